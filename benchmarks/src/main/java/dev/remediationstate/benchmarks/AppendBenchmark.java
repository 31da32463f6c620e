package dev.remediationstate.benchmarks;

import dev.remediationstate.action.Outcome;
import dev.remediationstate.action.RecordFeedbackAction;
import dev.remediationstate.feedback.FeedbackInput;
import dev.remediationstate.history.HistoryBudget;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.ArchivePageConfigMap;
import dev.remediationstate.store.FeedbackCodec;
import dev.remediationstate.store.StateConfigMap;
import dev.remediationstate.store.StateObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One record-feedback append in-process, everything a transaction attempt does except the HTTP
 * calls: decode the stored ConfigMap (decompress, parse, check), redact, append, fit the history
 * budget, encode (serialize, compress, size check) and lay out any archive pages. History sizes:
 * 0, 100 and 1000 corpus findings, and "near-budget": a live history within 8 KiB of the default
 * 1 MiB limit, so the append has to summarize.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class AppendBenchmark {
  private static final TaskId TASK = new TaskId("bench");
  private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

  @Param({"0", "100", "1000", "near-budget"})
  public String history;

  private StateObject stored;
  private FeedbackInput finding;

  @Setup(Level.Trial)
  public void setUp() {
    List<String> findings = Corpus.findings();
    RemediationState state;
    if (history.equals("near-budget")) {
      state = Corpus.stateWith(0, findings);
      for (int i = 0;
          FeedbackCodec.json(state.feedback()).length < HistoryBudget.DEFAULT_LIVE_LIMIT - 8192;
          i++) {
        state = Corpus.append(state, findings, i);
      }
    } else {
      state = Corpus.stateWith(Integer.parseInt(history), findings);
    }
    stored = StateConfigMap.encode(state, Optional.empty());
    finding = FeedbackInput.parse(findings.get(7).replace("\"sourceRef\":\"", "\"sourceRef\":\"bench-"));
  }

  @Benchmark
  public StateObject append() {
    RemediationState state = StateConfigMap.decode(stored, TASK);
    Outcome outcome = new RecordFeedbackAction(finding, "qa").apply(Optional.of(state), NOW);
    outcome.archivePages().forEach(p -> ArchivePageConfigMap.encode(TASK, p, "1"));
    return StateConfigMap.encode(outcome.next().orElseThrow(), Optional.of(stored));
  }
}
