package dev.remediationstate.action;

import dev.remediationstate.results.Results;
import dev.remediationstate.state.IterationRecord;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.StateError;
import dev.remediationstate.state.Status;
import java.time.Instant;
import java.util.Optional;

/**
 * Starts the next iteration: increments the counter and records it with its start time and request
 * id. At the limit it refuses: the counter stays, {@code limit-reached=true}, and the status
 * becomes {@code exhausted}. A terminal state is reported and left unchanged. A request id that
 * already started an iteration returns that iteration again.
 */
public final class NextIterationAction implements Action {
  private final String requestId;

  public NextIterationAction(String requestId) {
    this.requestId = requestId;
  }

  @Override
  public String name() {
    return "next-iteration";
  }

  @Override
  public Outcome apply(Optional<RemediationState> current, Instant now) {
    RemediationState state = StateRequired.of(current, name());
    Optional<IterationRecord> earlier = state.iterationByRequestId(requestId);
    if (earlier.isPresent()) {
      return Outcome.unchanged(results(state, earlier.get().number(), true, false));
    }
    if (state.status() == Status.COMPLETED || state.status() == Status.STOPPED) {
      return Outcome.unchanged(results(state, state.iteration(), false, state.limitReached()));
    }
    if (state.limitReached()) {
      if (state.status() == Status.EXHAUSTED) {
        return Outcome.unchanged(results(state, state.iteration(), false, true));
      }
      RemediationState exhausted =
          state
              .withStatus(Status.EXHAUSTED, "limit-reached", now)
              .appendError(
                  new StateError(
                      now, name(), "iteration limit " + state.maxIterations() + " reached"));
      return Outcome.write(exhausted, results(exhausted, exhausted.iteration(), false, true));
    }
    RemediationState next = state.startIteration(requestId, now);
    return Outcome.write(next, results(next, next.iteration(), true, false));
  }

  private static Results results(
      RemediationState state, int iteration, boolean started, boolean limitReached) {
    return Results.empty()
        .with("iteration", iteration)
        .with("max-iterations", state.maxIterations())
        .with("started", started)
        .with("limit-reached", limitReached)
        .with("status", state.status());
  }
}
