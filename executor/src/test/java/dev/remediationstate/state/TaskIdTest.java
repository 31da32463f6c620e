package dev.remediationstate.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.failure.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TaskIdTest {
  @ParameterizedTest
  @ValueSource(strings = {"a", "pr-1234", "0", "abc-def-9"})
  void acceptsLabelSafeIds(String id) {
    assertEquals("task-" + id + "-state", new TaskId(id).configMapName());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-a", "a-", "A", "a_b", "a.b", "a b", "ä", "a\nb"})
  void rejectsAnythingThatIsNotALabelValue(String id) {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> new TaskId(id));
    assertEquals("task-id", e.field());
  }

  @Test
  void acceptsSixtyThreeCharactersAndNoMore() {
    new TaskId("a".repeat(63));
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> new TaskId("a".repeat(64)));
    assertTrue(e.getMessage().contains("at most 63"));
  }

  @Test
  void neverEchoesTheInputInTheMessage() {
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> new TaskId("a\u001b[2Jb"));
    assertTrue(e.getMessage().startsWith("task-id: must be lowercase"), e.getMessage());
    assertTrue(!e.getMessage().contains("[2J") && !e.getMessage().contains("\u001b"));
  }
}
