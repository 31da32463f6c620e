package dev.remediationstate.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.failure.InvalidInputException;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.Status;
import dev.remediationstate.state.TaskId;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InitActionTest {
  private final TaskId task = new TaskId("t1");

  @Test
  void createsTheStateWhenAbsent() {
    Outcome outcome =
        new InitAction(task, 7, Map.of("pr", "42")).apply(Optional.empty(), States.T0);
    RemediationState state = outcome.next().orElseThrow();
    assertEquals(Status.INITIALIZED, state.status());
    assertEquals(0, state.iteration());
    assertEquals(7, state.maxIterations());
    assertEquals(Map.of("pr", "42"), state.metadata());
    assertEquals(RemediationState.SCHEMA_VERSION, state.schemaVersion());
    assertEquals("true", outcome.results().get("created"));
    assertEquals("7", outcome.results().get("max-iterations"));
  }

  @Test
  void leavesAnExistingStateAsItIs() {
    RemediationState existing = States.iterations(5, 3);
    Outcome outcome = new InitAction(task, 9, Map.of()).apply(Optional.of(existing), States.at(99));
    assertTrue(outcome.next().isEmpty());
    assertEquals("false", outcome.results().get("created"));
    assertEquals("3", outcome.results().get("iteration"));
    assertEquals("5", outcome.results().get("max-iterations"));
  }

  @Test
  void rejectsLimitsOutsideOneToOneHundred() {
    assertThrows(InvalidInputException.class, () -> new InitAction(task, 0, Map.of()));
    assertThrows(InvalidInputException.class, () -> new InitAction(task, 101, Map.of()));
    new InitAction(task, 1, Map.of());
    new InitAction(task, 100, Map.of());
  }
}
