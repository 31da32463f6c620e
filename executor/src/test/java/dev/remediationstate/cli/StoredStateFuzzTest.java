package dev.remediationstate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.action.Action;
import dev.remediationstate.action.ActionRunner;
import dev.remediationstate.action.GateAction;
import dev.remediationstate.action.InitAction;
import dev.remediationstate.action.NextIterationAction;
import dev.remediationstate.action.RecordFeedbackAction;
import dev.remediationstate.failure.InvalidInputException;
import dev.remediationstate.failure.InvalidStateException;
import dev.remediationstate.feedback.FeedbackInput;
import dev.remediationstate.recovery.Diagnosis;
import dev.remediationstate.recovery.Recovery;
import dev.remediationstate.recovery.StateCheck;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.StateError;
import dev.remediationstate.state.StateJson;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.FakeStateStore;
import dev.remediationstate.store.RetryPolicy;
import dev.remediationstate.store.StateConfigMap;
import dev.remediationstate.store.StateObject;
import dev.remediationstate.store.Transaction;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Mutated stored states (cut, bytes replaced, values swapped for hostile JSON): decoding either
 * succeeds or fails with {@link InvalidStateException}; an action over it either succeeds with a
 * sound state stored or fails with a typed error and the store untouched; {@code recover} never
 * throws while diagnosing, and its repair is sound or refused.
 */
class StoredStateFuzzTest {
  static final int TRIES = 3_500;
  private static final TaskId TASK = new TaskId("fuzz");
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final String SOUND = soundState();

  @Property(tries = TRIES)
  void neverAPartialWriteNorAnUntypedFailure(
      @ForAll("storedStates") String json, @ForAll("actions") int which) {
    FakeStateStore memory = new FakeStateStore();
    StateObject stored =
        memory.put(
            new StateObject(
                TASK.configMapName(),
                Map.of(),
                Map.of(),
                Map.of("state.json", json),
                Map.of(),
                null,
                null));
    boolean decodes;
    try {
      StateConfigMap.decode(stored, TASK);
      decodes = true;
    } catch (InvalidStateException e) {
      decodes = false;
    }
    try {
      runner(memory).run(TASK, action(which), "req-" + which);
      StateConfigMap.decode(memory.read(TASK.configMapName()).orElseThrow(), TASK);
    } catch (InvalidStateException | InvalidInputException e) {
      assertEquals(1, memory.stored().size(), "nothing written after: " + e.getMessage());
      assertEquals(stored, memory.read(TASK.configMapName()).orElseThrow());
      if (e instanceof InvalidStateException) {
        assertTrue(
            !decodes || e.getMessage().contains("newer") || e.getMessage().contains("schema"),
            e.getMessage());
      }
    }
    Diagnosis diagnosis = StateCheck.diagnose(stored, TASK);
    if (!decodes) {
      assertTrue(diagnosis.problems().stream().anyMatch(p -> p.blocksActions()));
    }
    if (!diagnosis.healthy() && !diagnosis.newerSchema()) {
      try {
        Recovery.Plan plan = Recovery.plan(stored, TASK, diagnosis, T0.plusSeconds(3600));
        assertTrue(
            StateCheck.diagnose(plan.object(), TASK).healthy(),
            () -> StateCheck.diagnose(plan.object(), TASK).problems().toString());
      } catch (InvalidStateException | InvalidInputException refused) {
        assertTrue(refused.getMessage().contains("nothing was written"), refused.getMessage());
      }
    }
  }

  @Provide
  Arbitrary<Integer> actions() {
    return Arbitraries.integers().between(0, 3);
  }

  @Provide
  Arbitrary<String> storedStates() {
    Arbitrary<String> hostile =
        Arbitraries.of(
            "null",
            "-1",
            "0",
            "2",
            "1e999",
            "\"\"",
            "\"x\"",
            "[]",
            "{}",
            "[null]",
            "[{}]",
            "\"2026-13-45T99:00:00Z\"",
            "\"1970-01-01T00:00:00Z\"",
            "99999",
            "true",
            "[1,2]",
            "{\"a\":[[[[[[[[]]]]]]]]}");
    Arbitrary<String> swapped =
        Combinators.combine(
                Arbitraries.of(
                    "schemaVersion",
                    "taskId",
                    "status",
                    "iteration",
                    "maxIterations",
                    "createdAt",
                    "lastUpdate",
                    "iterations",
                    "feedbackSequence",
                    "feedback",
                    "number",
                    "startedAt",
                    "verdict",
                    "id",
                    "receivedAt",
                    "requests",
                    "errors"),
                hostile)
            .as(StoredStateFuzzTest::swap);
    Arbitrary<String> cut =
        Arbitraries.integers().between(0, SOUND.length()).map(n -> SOUND.substring(0, n));
    Arbitrary<String> poked =
        Combinators.combine(
                Arbitraries.integers().between(0, SOUND.length() - 1), Arbitraries.chars())
            .as((at, c) -> SOUND.substring(0, at) + c + SOUND.substring(at + 1));
    return Arbitraries.oneOf(
        swapped,
        swapped,
        swapped,
        cut,
        poked,
        swapped.flatMap(s -> Arbitraries.integers().between(0, 5).map(n -> swapAgain(s, n))));
  }

  /** Replaces the first value of {@code field} with {@code value}. */
  static String swap(String field, String value) {
    return swapIn(SOUND, field, value);
  }

  private static String swapAgain(String json, int n) {
    String[] fields = {
      "iteration", "status", "maxIterations", "feedbackSequence", "lastUpdate", "number"
    };
    String[] values = {"5", "\"exhausted\"", "1", "0", "\"2020-01-01T00:00:00Z\"", "7"};
    return swapIn(json, fields[n], values[n]);
  }

  private static String swapIn(String json, String field, String value) {
    String key = "\"" + field + "\":";
    int at = json.indexOf(key);
    if (at < 0) {
      return json;
    }
    int start = at + key.length();
    int end = valueEnd(json, start);
    return json.substring(0, start) + value + json.substring(end);
  }

  private static int valueEnd(String json, int start) {
    int depth = 0;
    boolean inString = false;
    for (int i = start; i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
          if (depth == 0) {
            return i + 1;
          }
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        if (depth == 0) {
          return i;
        }
        depth--;
        if (depth == 0) {
          return i + 1;
        }
      } else if (c == ',' && depth == 0) {
        return i;
      }
    }
    return json.length();
  }

  private static Action action(int which) {
    return switch (which) {
      case 0 -> new InitAction(TASK, 5, Map.of());
      case 1 -> new NextIterationAction("req-1");
      case 2 ->
          new RecordFeedbackAction(
              FeedbackInput.parse(
                  "{\"verdict\":\"changes-requested\",\"severity\":\"low\",\"issueType\":\"bug\","
                      + "\"description\":\"again\"}"),
              "qa");
      default -> new GateAction(3);
    };
  }

  private static ActionRunner runner(FakeStateStore memory) {
    return new ActionRunner(
        new Transaction(memory, RetryPolicy.CONFLICTS, millis -> {}, () -> 0L, () -> 0.5),
        Clock.fixed(T0.plusSeconds(7200), ZoneOffset.UTC));
  }

  /** A state with every list populated: two iterations, feedback, an error, a request. */
  private static String soundState() {
    RemediationState s = RemediationState.initial(TASK.value(), 5, Map.of("pr", "17"), T0);
    s = s.startIteration("r1", T0.plusSeconds(10)).startIteration("r2", T0.plusSeconds(20));
    FeedbackInput input =
        FeedbackInput.parse(
            "{\"verdict\":\"changes-requested\",\"severity\":\"high\",\"issueType\":\"bug\","
                + "\"description\":\"boom\",\"sourceRef\":\"c-1\",\"iteration\":1}");
    s =
        new RecordFeedbackAction(input, "qa")
            .apply(Optional.of(s), T0.plusSeconds(30))
            .next()
            .orElseThrow();
    s = s.appendError(new StateError(T0.plusSeconds(40), "gate", "x"));
    s =
        s.recordRequest(
            new dev.remediationstate.state.AppliedRequest(
                "a/b/", "a", T0.plusSeconds(41), new LinkedHashMap<>(Map.of("iteration", "2"))));
    String json = StateJson.write(s);
    StateJson.read(json, "sound");
    return json;
  }
}
