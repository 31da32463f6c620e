package dev.remediationstate.action;

import dev.remediationstate.results.Results;
import dev.remediationstate.state.RemediationState;
import java.util.Optional;

/** What an action decided: the next state to write (empty: write nothing) and its results. */
public record Outcome(Optional<RemediationState> next, Results results) {
  public static Outcome unchanged(Results results) {
    return new Outcome(Optional.empty(), results);
  }

  public static Outcome write(RemediationState next, Results results) {
    return new Outcome(Optional.of(next), results);
  }
}
