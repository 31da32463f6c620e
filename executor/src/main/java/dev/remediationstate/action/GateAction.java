package dev.remediationstate.action;

import dev.remediationstate.failure.InvalidInputException;
import dev.remediationstate.results.Results;
import dev.remediationstate.state.FeedbackEntry;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.StateError;
import dev.remediationstate.state.Status;
import dev.remediationstate.state.Verdict;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides whether the loop goes on, and records the resulting status. In order:
 *
 * <ol>
 *   <li>a terminal status repeats its decision ({@code complete} or {@code stop});
 *   <li>{@code complete}/{@code approved} when the latest review of the current iteration approves
 *       (an approval of an earlier iteration is stale and decides nothing);
 *   <li>{@code stop}/{@code no-progress} when one fingerprint appears in the reviews of the last N
 *       consecutive iterations (N = {@code --no-progress-threshold}, default 3);
 *   <li>{@code stop}/{@code limit-reached} when the iteration limit is reached;
 *   <li>otherwise {@code continue}, with reason {@code not-started}, {@code changes-requested} or
 *       {@code no-feedback} (no review of the current iteration).
 * </ol>
 *
 * The decision is a result value: {@code stop} exits 0.
 */
public final class GateAction implements Action {
  public static final int DEFAULT_NO_PROGRESS_THRESHOLD = 3;

  private final int noProgressThreshold;

  public GateAction(int noProgressThreshold) {
    if (noProgressThreshold < 2 || noProgressThreshold > 100) {
      throw new InvalidInputException(
          "no-progress-threshold", noProgressThreshold + " is outside 2..100");
    }
    this.noProgressThreshold = noProgressThreshold;
  }

  @Override
  public String name() {
    return "gate";
  }

  @Override
  public Outcome apply(Optional<RemediationState> current, Instant now) {
    RemediationState state = StateRequired.of(current, name());
    switch (state.status()) {
      case COMPLETED:
        return Outcome.unchanged(results(state, "complete", reason(state, "approved")));
      case EXHAUSTED:
        return Outcome.unchanged(results(state, "stop", reason(state, "limit-reached")));
      case STOPPED:
        return Outcome.unchanged(results(state, "stop", reason(state, "no-progress")));
      default:
        break;
    }
    Optional<FeedbackEntry> latest = latestOfCurrentIteration(state);
    if (latest.isPresent() && latest.get().verdict() == Verdict.APPROVED) {
      return terminal(state, Status.COMPLETED, "complete", "approved", null, now);
    }
    Optional<String> repeated = repeatedFingerprint(state);
    if (repeated.isPresent()) {
      String message =
          "finding "
              + repeated.get()
              + " came back in "
              + noProgressThreshold
              + " consecutive reviews";
      return terminal(state, Status.STOPPED, "stop", "no-progress", message, now);
    }
    if (state.limitReached()) {
      String message = "iteration limit " + state.maxIterations() + " reached";
      return terminal(state, Status.EXHAUSTED, "stop", "limit-reached", message, now);
    }
    String reason;
    if (state.iteration() == 0) {
      reason = "not-started";
    } else if (latest.isPresent()) {
      reason = "changes-requested";
    } else {
      reason = "no-feedback";
    }
    return Outcome.unchanged(results(state, "continue", reason));
  }

  /**
   * The newest review of the current iteration. Only it decides: an approval of an earlier
   * iteration (recorded late, or before more changes were made) never completes the loop, and a
   * late finding on an earlier iteration never hides the current review.
   */
  private static Optional<FeedbackEntry> latestOfCurrentIteration(RemediationState state) {
    List<FeedbackEntry> feedback = state.feedback();
    for (int i = feedback.size() - 1; i >= 0; i--) {
      if (feedback.get(i).iteration() == state.iteration()) {
        return Optional.of(feedback.get(i));
      }
    }
    return Optional.empty();
  }

  private Outcome terminal(
      RemediationState state,
      Status status,
      String decision,
      String reason,
      String message,
      Instant now) {
    RemediationState next = state.withStatus(status, reason, now);
    if (message != null) {
      next = next.appendError(new StateError(now, name(), message));
    }
    return Outcome.write(next, results(next, decision, reason));
  }

  /**
   * A fingerprint present in the changes-requested feedback of each of the last N iterations, the
   * newest of which is the current one.
   */
  private Optional<String> repeatedFingerprint(RemediationState state) {
    int last = state.iteration();
    if (last < noProgressThreshold) {
      return Optional.empty();
    }
    Set<String> common = null;
    for (int iteration = last; iteration > last - noProgressThreshold; iteration--) {
      Set<String> found = fingerprints(state.feedback(), iteration);
      if (common == null) {
        common = new HashSet<>(found);
      } else {
        common.retainAll(found);
      }
      if (common.isEmpty()) {
        return Optional.empty();
      }
    }
    return common.stream().sorted().findFirst();
  }

  private static Set<String> fingerprints(List<FeedbackEntry> feedback, int iteration) {
    return feedback.stream()
        .filter(f -> f.iteration() == iteration && f.verdict() == Verdict.CHANGES_REQUESTED)
        .map(FeedbackEntry::fingerprint)
        .filter(fp -> fp != null)
        .collect(Collectors.toSet());
  }

  private static String reason(RemediationState state, String fallback) {
    return state.statusReason() != null ? state.statusReason() : fallback;
  }

  private static Results results(RemediationState state, String decision, String reason) {
    return Results.empty()
        .with("decision", decision)
        .with("reason", reason)
        .with("iteration", state.iteration())
        .with("max-iterations", state.maxIterations())
        .with("limit-reached", state.limitReached())
        .with("status", state.status());
  }
}
