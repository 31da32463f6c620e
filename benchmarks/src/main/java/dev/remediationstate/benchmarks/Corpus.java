package dev.remediationstate.benchmarks;

import dev.remediationstate.action.RecordFeedbackAction;
import dev.remediationstate.feedback.FeedbackInput;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.StateJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The executor's committed corpus of 500 realistic findings, recorded into a state. */
final class Corpus {
  private Corpus() {}

  static List<String> findings() {
    try (InputStream in = Corpus.class.getResourceAsStream("/corpus/feedback-corpus.jsonl")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A state at iteration 25 holding the first {@code count} findings, recorded in order. */
  static RemediationState stateWith(int count, List<String> findings) {
    Instant now = Instant.parse("2025-01-01T00:00:00Z");
    RemediationState state = RemediationState.initial("bench", 100, Map.of(), now);
    for (int i = 0; i < 25; i++) {
      state = state.startIteration("run-" + i, now);
    }
    for (int i = 0; i < count; i++) {
      state = append(state, findings, i);
    }
    return state;
  }

  /** The state with corpus finding {@code i} (cycling, with a fresh source ref) recorded. */
  static RemediationState append(RemediationState state, List<String> findings, int i) {
    String finding = findings.get(i % findings.size());
    if (i >= findings.size()) {
      finding = finding.replace("\"sourceRef\":\"", "\"sourceRef\":\"again-" + i + "-");
    }
    return new RecordFeedbackAction(FeedbackInput.parse(finding), "qa")
        .apply(java.util.Optional.of(state), Instant.parse("2025-01-01T00:00:00Z"))
        .next()
        .orElseThrow();
  }

  /** The stored JSON of the whole feedback history of 500 findings: what the codec compresses. */
  static byte[] storedFeedbackJson() {
    RemediationState state = stateWith(500, findings());
    try {
      return StateJson.mapper().writeValueAsBytes(state.feedback());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
