package dev.remediationstate.recovery;

import dev.remediationstate.state.RemediationState;
import dev.remediationstate.store.StoredLayout;
import java.util.List;
import java.util.Optional;

/**
 * What {@link StateCheck} found: every stored key as {@link StoredLayout} decoded it, the parsed
 * state with the live history merged in when both are readable (absent when {@code state.json} is
 * unreadable), and the problems.
 */
public record Diagnosis(
    StoredLayout.Keys keys, Optional<RemediationState> parsed, List<Problem> problems) {
  public Diagnosis {
    problems = List.copyOf(problems);
  }

  public boolean healthy() {
    return problems.isEmpty();
  }

  /**
   * A state written by a newer schema, or a history written with a codec this executor cannot read:
   * only a newer executor may repair it.
   */
  public boolean newerSchema() {
    return problems.stream().anyMatch(p -> p.check().equals("schema"));
  }

  /** The live history key is present but cannot be decoded. */
  public boolean historyDamaged() {
    return keys.history().isDamaged();
  }
}
