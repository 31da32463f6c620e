package dev.remediationstate.action;

import dev.remediationstate.feedback.FeedbackInput;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.TaskId;
import java.time.Instant;
import java.util.Map;

/** Builds states for action tests by running the real actions. */
final class States {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private States() {}

  static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  static RemediationState initialized(int maxIterations) {
    return new InitAction(new TaskId("t1"), maxIterations, Map.of())
        .apply(java.util.Optional.empty(), T0)
        .next()
        .orElseThrow();
  }

  static RemediationState iterations(int maxIterations, int done) {
    RemediationState state = initialized(maxIterations);
    for (int i = 1; i <= done; i++) {
      state = state.startIteration("req-" + i, at(i * 10));
    }
    return state;
  }

  static RemediationState withFeedback(RemediationState state, String json) {
    return new RecordFeedbackAction(FeedbackInput.parse(json), "qa")
        .apply(java.util.Optional.of(state), at(state.iteration() * 10 + 5))
        .next()
        .orElseThrow();
  }

  static String finding(String description) {
    return "{\"severity\":\"high\",\"issueType\":\"bug\",\"description\":\"" + description + "\"}";
  }
}
