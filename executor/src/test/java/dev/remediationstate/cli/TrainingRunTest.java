package dev.remediationstate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingRunTest {
  @Test
  void splitsCommandLinesAtSeparatorsAndDropsEmptyOnes() {
    List<String[]> lines =
        TrainingRun.split(
            new String[] {
              "::", "init", "--task-id", "t", "::", "::", "show", "--task-id", "t", "::"
            });

    assertEquals(2, lines.size());
    assertArrayEquals(new String[] {"init", "--task-id", "t"}, lines.get(0));
    assertArrayEquals(new String[] {"show", "--task-id", "t"}, lines.get(1));
  }

  @Test
  void noArgumentsIsNoCommandLine() {
    assertEquals(0, TrainingRun.split(new String[0]).size());
  }
}
