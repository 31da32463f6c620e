package dev.remediationstate.action;

import dev.remediationstate.failure.InvalidInputException;
import dev.remediationstate.feedback.Redactor;
import dev.remediationstate.results.Results;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.TaskId;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Creates the state when none is stored. Idempotent: an existing state is left exactly as it is and
 * reported with {@code created=false}. Secrets in metadata values are redacted like feedback.
 */
public final class InitAction implements Action {
  public static final int MIN_ITERATIONS = 1;
  public static final int MAX_ITERATIONS = 100;
  public static final int DEFAULT_MAX_ITERATIONS = 10;

  private final TaskId taskId;
  private final int maxIterations;
  private final Map<String, String> metadata;

  public InitAction(TaskId taskId, int maxIterations, Map<String, String> metadata) {
    if (maxIterations < MIN_ITERATIONS || maxIterations > MAX_ITERATIONS) {
      throw new InvalidInputException(
          "max-iterations",
          maxIterations + " is outside " + MIN_ITERATIONS + ".." + MAX_ITERATIONS);
    }
    this.taskId = taskId;
    this.maxIterations = maxIterations;
    Map<String, String> redacted = new java.util.LinkedHashMap<>();
    metadata.forEach((k, v) -> redacted.put(k, Redactor.redact(v).text()));
    this.metadata = Map.copyOf(redacted);
  }

  @Override
  public String name() {
    return "init";
  }

  @Override
  public Outcome apply(Optional<RemediationState> current, Instant now) {
    if (current.isPresent()) {
      return Outcome.unchanged(results(current.get(), false));
    }
    RemediationState state = RemediationState.initial(taskId.value(), maxIterations, metadata, now);
    return Outcome.write(state, results(state, true));
  }

  private static Results results(RemediationState state, boolean created) {
    return Results.empty()
        .with("created", created)
        .with("iteration", state.iteration())
        .with("max-iterations", state.maxIterations())
        .with("status", state.status());
  }
}
