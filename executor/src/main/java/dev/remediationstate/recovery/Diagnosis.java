package dev.remediationstate.recovery;

import dev.remediationstate.state.RemediationState;
import java.util.List;
import java.util.Optional;

/** What {@link StateCheck} found: the parsed state (absent when unreadable) and its problems. */
public record Diagnosis(Optional<RemediationState> parsed, List<Problem> problems) {
  public Diagnosis {
    problems = List.copyOf(problems);
  }

  public boolean healthy() {
    return problems.isEmpty();
  }

  /** A state written by a newer schema: only a newer executor may repair it. */
  public boolean newerSchema() {
    return problems.stream().anyMatch(p -> p.check().equals("schema"));
  }
}
