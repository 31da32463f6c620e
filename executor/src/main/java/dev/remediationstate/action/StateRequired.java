package dev.remediationstate.action;

import dev.remediationstate.failure.InvalidStateException;
import dev.remediationstate.state.RemediationState;
import java.util.Optional;

/** The failure of every action but init when no state is stored. */
final class StateRequired {
  private StateRequired() {}

  static RemediationState of(Optional<RemediationState> current, String action) {
    return current.orElseThrow(
        () -> new InvalidStateException("state: none is stored for this task: run init first"));
  }
}
