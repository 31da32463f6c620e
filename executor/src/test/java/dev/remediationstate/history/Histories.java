package dev.remediationstate.history;

import dev.remediationstate.action.Outcome;
import dev.remediationstate.action.RecordFeedbackAction;
import dev.remediationstate.feedback.FeedbackInput;
import dev.remediationstate.state.RemediationState;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** States with feedback recorded from the corpus, for tests. */
final class Histories {
  static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

  private Histories() {}

  static RemediationState started(int iterations) {
    RemediationState state = RemediationState.initial("hist", 100, Map.of(), NOW);
    for (int i = 0; i < iterations; i++) {
      state = state.startIteration("run-" + i, NOW);
    }
    return state;
  }

  static Outcome record(RemediationState state, String finding, HistoryBudget budget) {
    return new RecordFeedbackAction(FeedbackInput.parse(finding), "qa", budget)
        .apply(Optional.of(state), NOW);
  }
}
