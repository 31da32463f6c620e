package dev.remediationstate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remediationstate.action.Action;
import dev.remediationstate.action.ActionRunner;
import dev.remediationstate.action.GateAction;
import dev.remediationstate.action.InitAction;
import dev.remediationstate.action.NextIterationAction;
import dev.remediationstate.action.RecordFeedbackAction;
import dev.remediationstate.failure.InvalidInputException;
import dev.remediationstate.feedback.FeedbackInput;
import dev.remediationstate.history.HistoryBudget;
import dev.remediationstate.recovery.Diagnosis;
import dev.remediationstate.recovery.Problem;
import dev.remediationstate.recovery.StateCheck;
import dev.remediationstate.results.ResultFiles;
import dev.remediationstate.results.ResultSink;
import dev.remediationstate.results.Results;
import dev.remediationstate.state.ArchivePageRef;
import dev.remediationstate.state.FeedbackEntry;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.ArchivePageConfigMap;
import dev.remediationstate.store.FakeStateStore;
import dev.remediationstate.store.RetryPolicy;
import dev.remediationstate.store.StateConfigMap;
import dev.remediationstate.store.StateObject;
import dev.remediationstate.store.Transaction;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

/**
 * Issue 15: a model-based test of the whole loop. Random sequences of actions ({@code
 * next-iteration}, {@code record-feedback}, {@code gate}), damage to any stored key, {@code
 * recover} with and without {@code --repair}, result files that fail after the commit, and retries
 * with the same request id, run through the same code the commands run ({@link ActionRunner} with
 * the results check before the commit, {@link ActionCommand#writeAfterCommit}, {@link
 * RecoverCommand#run}, {@link ExitCodes#code}) over the in-memory store. After every step:
 *
 * <ul>
 *   <li>every exit code is one the README documents for that situation: 3 exactly when a stored key
 *       blocks actions (and then nothing is written), 8 only when the result files failed, never 1;
 *   <li>no finding is ever lost: each committed finding is readable in the live history or its
 *       archive page, unless a repair reported that it could not be restored and set its bytes
 *       aside;
 *   <li>no iteration is started without its results being obtainable: an iteration number is never
 *       handed out twice, and a re-run with the same request id returns exactly the results of the
 *       run whose result files failed (unless a repair since rebuilt {@code state.json} from the
 *       backup, which the README documents as losing the last write's request keys);
 *   <li>{@code recover --repair} always leaves a healthy state that every action accepts.
 * </ul>
 */
class RemediationModelTest {
  /** Sequences per run: 5,000 (about 50 s of CPU on the shared 2-core machine). */
  static final int TRIES = 5000;

  private static final TaskId TASK = new TaskId("model");
  private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
  private static final int RESULTS_LIMIT = ResultFiles.DEFAULT_LIMIT;
  private static final List<String> KEYS =
      List.of(
          "state.json",
          "feedback.json.gz",
          "state.json.prev.gz",
          "feedback.prev.gz",
          "repair-journal.json");

  sealed interface Op permits Next, Record, Gate, Damage, Recover, Retry {}

  record Next(int request, boolean failWrite) implements Op {}

  record Record(int request, int ref, boolean approve, int size, boolean failWrite) implements Op {}

  record Gate(int request, boolean failWrite) implements Op {}

  record Damage(int key, int kind, long seed) implements Op {}

  record Recover(boolean repair) implements Op {}

  record Retry(int which) implements Op {}

  @Provide
  Arbitrary<List<Op>> sequences() {
    Arbitrary<Integer> request = Arbitraries.integers().between(0, 7);
    Arbitrary<Boolean> fail = Arbitraries.integers().between(0, 4).map(n -> n == 0);
    Arbitrary<Op> next = Combinators.combine(request, fail).as(Next::new);
    Arbitrary<Op> record =
        Combinators.combine(
                request,
                Arbitraries.integers().between(0, 9),
                Arbitraries.integers().between(0, 5).map(n -> n == 0),
                Arbitraries.integers().between(0, 9).map(n -> n == 0 ? 16_000 : 40 + n * 150),
                fail)
            .as(Record::new);
    Arbitrary<Op> gate = Combinators.combine(request, fail).as(Gate::new);
    Arbitrary<Op> damage =
        Combinators.combine(
                Arbitraries.integers().between(0, KEYS.size() - 1),
                Arbitraries.integers().between(0, 2),
                Arbitraries.longs())
            .as(Damage::new);
    Arbitrary<Op> recover = Arbitraries.integers().between(0, 2).map(n -> new Recover(n > 0));
    Arbitrary<Op> retry = Arbitraries.integers().between(0, 99).map(Retry::new);
    Arbitrary<Op> op =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, next),
            net.jqwik.api.Tuple.of(8, record),
            net.jqwik.api.Tuple.of(3, gate),
            net.jqwik.api.Tuple.of(3, damage),
            net.jqwik.api.Tuple.of(3, recover),
            net.jqwik.api.Tuple.of(3, retry));
    return op.list().ofMinSize(1).ofMaxSize(20);
  }

  @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED)
  void everySequenceKeepsFindingsResultsAndExitCodes(@ForAll("sequences") List<Op> ops) {
    Loop loop = new Loop();
    for (int i = 0; i < ops.size(); i++) {
      loop.step(i, ops.get(i));
    }
    loop.finish();
  }

  /** The system under test, and the model it is checked against. */
  static final class Loop {
    final FakeStateStore memory = new FakeStateStore();
    final Clock clock = new TickingClock();
    final Transaction transaction =
        new Transaction(
            memory,
            new RetryPolicy(4, Duration.ofSeconds(30), Duration.ZERO, Duration.ZERO),
            millis -> {},
            System::nanoTime,
            () -> 0.5);
    final ActionRunner runner = new ActionRunner(transaction, clock);

    /** Findings committed, by source ref; those whose loss a repair reported are removed. */
    final Set<String> findings = new HashSet<>();

    /** Findings a repair reported lost (their requests are forgotten, so a re-run records them). */
    final Set<String> lost = new HashSet<>();

    /** Iteration numbers handed out with started=true, and the request that got each. */
    final Map<Integer, String> handedOut = new HashMap<>();

    /** Runs whose result files failed: the action, its request id, results, and when. */
    record Pending(
        Op op, Action action, String requestId, Results results, boolean wrote, int at) {}

    final List<Pending> pending = new ArrayList<>();
    int rebuiltAt = -1;
    final List<String> log = new ArrayList<>();

    Loop() {
      Results init = runner.run(TASK, new InitAction(TASK, 6, Map.of()), "init");
      assertEquals("true", init.get("created"));
    }

    /** The blocking problems of the stored object, computed once per stored version. */
    private String blockingVersion;

    private List<Problem> blockingNow = List.of();

    void step(int at, Op op) {
      log.add(at + ": " + op);
      if (op instanceof Next n) {
        act(at, op, new NextIterationAction("req-" + n.request()), n.failWrite(), n.request());
      } else if (op instanceof Record r) {
        act(at, op, record(r), r.failWrite(), r.request());
      } else if (op instanceof Gate g) {
        act(at, op, new GateAction(3), g.failWrite(), g.request());
      } else if (op instanceof Damage d) {
        damage(d);
      } else if (op instanceof Recover r) {
        recover(at, r.repair());
      } else if (op instanceof Retry r) {
        retry(at, r.which());
      }
      if (blocking().isEmpty()) {
        RemediationState state = StateConfigMap.decode(stored(), TASK);
        checkFindings(state);
        checkIterations(state);
      }
    }

    private Action record(Record r) {
      ObjectNode f = JsonNodeFactory.instance.objectNode();
      f.put("sourceRef", "ref-" + r.ref());
      if (r.approve()) {
        f.put("verdict", "approved");
      } else {
        f.put("severity", "high")
            .put("issueType", "bug")
            .put("description", ("finding " + r.ref() + " ").repeat(r.size() / 10 + 1));
      }
      return new RecordFeedbackAction(
          FeedbackInput.parse(f.toString()), "qa", new HistoryBudget(HistoryBudget.MIN_LIVE_LIMIT));
    }

    private void act(int at, Op op, Action action, boolean failWrite, int request) {
      String requestId = "req-" + request;
      List<Problem> blocking = blocking();
      StateObject before = stored();
      Results results = null;
      boolean committed = false;
      int code;
      try {
        ActionRunner.Ran ran =
            runner.execute(
                TASK,
                action,
                requestId,
                r -> {
                  if (ResultFiles.terminationMessageSize(r) > RESULTS_LIMIT) {
                    throw new InvalidInputException("results-limit", "over the limit");
                  }
                });
        results = ran.results();
        committed = ran.committed();
        ActionCommand.writeAfterCommit(failWrite ? FAILING : DELIVERED, results, "re-run");
        code = 0;
      } catch (RuntimeException e) {
        code = ExitCodes.code(e);
        assertTrue(code != 1, () -> "internal error " + e + " after " + log);
      }
      boolean wrote = !Objects.equals(before.resourceVersion(), stored().resourceVersion());
      int c = code;
      if (!blocking.isEmpty()) {
        assertEquals(3, code, () -> "a blocked state must be refused with 3: " + log);
        assertTrue(!wrote, () -> "a blocked state was written: " + log);
        return;
      }
      assertTrue(
          Set.of(0, 2, 8).contains(code), () -> "exit " + c + " is not expected here: " + log);
      if (code == 2) {
        assertTrue(!wrote, () -> "exit 2 must write nothing: " + log);
        return;
      }
      assertEquals(failWrite ? 8 : 0, code, () -> "exit code: " + log);
      observe(action, requestId, results);
      if (code == 8) {
        assertEquals(committed, wrote, () -> "the runner misreported its commit: " + log);
        pending.add(new Pending(op, action, requestId, results, committed, at));
      }
    }

    /** What a successful run tells the model. */
    private void observe(Action action, String requestId, Results results) {
      if (action instanceof NextIterationAction && "true".equals(results.get("started"))) {
        int iteration = Integer.parseInt(results.get("iteration"));
        String earlier = handedOut.putIfAbsent(iteration, requestId);
        assertTrue(
            earlier == null || earlier.equals(requestId),
            () -> "iteration " + iteration + " handed out twice: " + log);
      }
      if (action instanceof RecordFeedbackAction && "true".equals(results.get("recorded"))) {
        findings.add(sourceRef(action));
      }
    }

    private void retry(int at, int which) {
      if (pending.isEmpty()) {
        return;
      }
      Pending p = pending.remove(which % pending.size());
      List<Problem> blocking = blocking();
      int code;
      Results again = null;
      try {
        again = runner.run(TASK, p.action(), p.requestId(), r -> {});
        code = 0;
      } catch (RuntimeException e) {
        code = ExitCodes.code(e);
      }
      int c = code;
      if (!blocking.isEmpty()) {
        assertEquals(3, code, () -> "retry on a blocked state: " + log);
        pending.add(p);
        return;
      }
      assertEquals(0, code, () -> "retry exit " + c + ": " + log);
      boolean replayable =
          p.wrote()
              && rebuiltAt < p.at()
              && !(p.action() instanceof RecordFeedbackAction
                  && lost.contains(sourceRef(p.action())));
      if (replayable) {
        Results expected = p.results();
        Results got = again;
        assertEquals(
            expected, got, () -> "a retry with the same request id got other results: " + log);
      }
      observe(p.action(), p.requestId(), again);
    }

    private void damage(Damage d) {
      StateObject o = stored();
      String key = KEYS.get(d.key());
      Random random = new Random(d.seed());
      Map<String, String> data = new LinkedHashMap<>(o.data());
      Map<String, byte[]> binary = new LinkedHashMap<>(o.binaryData());
      if (data.containsKey(key)) {
        String text = data.get(key);
        data.put(
            key,
            switch (d.kind()) {
              case 0 -> text.substring(0, Math.max(0, text.length() - 40));
              case 1 -> text.replaceFirst("\"iteration\":(\\d+)", "\"iteration\":1$1");
              default -> "{\"garbage\":" + random.nextInt();
            });
      } else if (binary.containsKey(key)) {
        byte[] bytes = binary.get(key).clone();
        binary.put(
            key,
            switch (d.kind()) {
              case 0 -> {
                for (int i = 12; i < bytes.length - 8; i += 5) {
                  bytes[i] ^= (byte) (1 + random.nextInt(255));
                }
                yield bytes;
              }
              case 1 -> Arrays.copyOf(bytes, Math.max(1, bytes.length - 1 - random.nextInt(16)));
              default -> new byte[] {31, (byte) 139, 8, 0, 1, 2, 3};
            });
      } else {
        return;
      }
      log.add("   damaged " + key);
      memory.put(new StateObject(o.name(), o.labels(), o.annotations(), data, binary, null, null));
    }

    private void recover(int at, boolean repair) {
      Diagnosis before = StateCheck.diagnose(stored(), TASK);
      RecoverCommand.Outcome outcome;
      int code;
      try {
        outcome = RecoverCommand.run(transaction, TASK, repair, clock, memory::read, r -> {});
        code = outcome.diagnosis().healthy() || outcome.plan().isPresent() ? 0 : 3;
      } catch (RuntimeException e) {
        outcome = null;
        code = ExitCodes.code(e);
      }
      int c = code;
      if (!repair) {
        assertEquals(before.healthy() ? 0 : 3, code, () -> "recover exit " + c + ": " + log);
        return;
      }
      assertEquals(0, code, () -> "recover --repair exit " + c + ": " + log);
      Diagnosis after = StateCheck.diagnose(stored(), TASK);
      assertTrue(after.healthy(), () -> "not healthy after repair: " + after.problems() + log);
      if (outcome.plan().isEmpty()) {
        return;
      }
      String source = outcome.plan().get().repaired().source();
      if (!source.equals("stored")) {
        rebuiltAt = at;
      }
      log.add("   repaired from " + source + ": " + outcome.plan().get().repaired().actions());
      List<String> missing = missingFindings(StateConfigMap.decode(stored(), TASK));
      if (!missing.isEmpty()) {
        String journal = stored().data().get("repair-journal.json");
        boolean setAside =
            stored().binaryData().keySet().stream()
                .anyMatch(k -> k.startsWith("feedback.corrupt-"));
        assertTrue(
            journal.contains("could not be restored") && setAside,
            () -> "findings " + missing + " lost without a report: " + log);
        findings.removeAll(missing);
        lost.addAll(missing);
      }
    }

    /** Every committed finding is readable in the live history or an archive page. */
    private void checkFindings(RemediationState state) {
      List<String> missing = missingFindings(state);
      assertTrue(missing.isEmpty(), () -> "findings lost: " + missing + " after " + log);
    }

    private List<String> missingFindings(RemediationState state) {
      Set<String> readable = new HashSet<>();
      state.feedback().forEach(f -> readable.add(f.sourceRef()));
      for (ArchivePageRef ref : state.feedbackArchive()) {
        StateObject page = memory.read(ArchivePageConfigMap.name(TASK, ref.number())).orElseThrow();
        for (FeedbackEntry f : ArchivePageConfigMap.decode(page, TASK, ref)) {
          readable.add(f.sourceRef());
        }
      }
      return findings.stream().filter(f -> !readable.contains(f)).sorted().toList();
    }

    private void checkIterations(RemediationState state) {
      int highest = handedOut.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
      assertTrue(
          state.iteration() >= highest, () -> "iteration went back below " + highest + ": " + log);
    }

    /** At the end: every iteration started is obtainable again with its request id. */
    void finish() {
      if (!blocking().isEmpty()) {
        return;
      }
      for (Map.Entry<Integer, String> started : handedOut.entrySet()) {
        if (rebuiltAt >= 0) {
          break;
        }
        Results again =
            runner.run(TASK, new NextIterationAction(started.getValue()), started.getValue());
        assertEquals(
            started.getKey().toString(),
            again.get("iteration"),
            () -> "request " + started.getValue() + " lost its iteration: " + log);
      }
    }

    private List<Problem> blocking() {
      StateObject o = stored();
      if (!o.resourceVersion().equals(blockingVersion)) {
        blockingVersion = o.resourceVersion();
        blockingNow =
            StateCheck.diagnose(o, TASK).problems().stream()
                .filter(Problem::blocksActions)
                .toList();
      }
      return blockingNow;
    }

    private StateObject stored() {
      return memory.read(TASK.configMapName()).orElseThrow();
    }

    private static String sourceRef(Action action) {
      return action.idempotencyScope();
    }
  }

  private static final ResultSink DELIVERED = results -> {};
  private static final ResultSink FAILING =
      results -> {
        throw new IOException("No space left on device");
      };

  /** A clock that moves one second per reading. */
  static final class TickingClock extends Clock {
    private long seconds;

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return T0.plusSeconds(++seconds);
    }
  }
}
