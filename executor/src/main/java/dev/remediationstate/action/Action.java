package dev.remediationstate.action;

import dev.remediationstate.state.RemediationState;
import java.time.Instant;
import java.util.Optional;

/**
 * A pure state transition: from the current state (empty when none is stored), its bound input and
 * the time, to an {@link Outcome}. No I/O, no clock; may run once per transaction attempt.
 */
public interface Action {
  /** The action's CLI name, recorded with applied requests. */
  String name();

  Outcome apply(Optional<RemediationState> current, Instant now);

  /**
   * Distinguishes requests that share a request id within one action, e.g. two findings recorded by
   * the same TaskRun. Empty for actions that run once per request.
   */
  default String idempotencyScope() {
    return "";
  }
}
