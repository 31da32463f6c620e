package dev.remediationstate.action;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.remediationstate.feedback.FeedbackInput;
import dev.remediationstate.results.Results;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.FakeStateStore;
import dev.remediationstate.store.FaultInjectingStateStore;
import dev.remediationstate.store.RetryPolicy;
import dev.remediationstate.store.RetryingStateStore;
import dev.remediationstate.store.StateConfigMap;
import dev.remediationstate.store.StateStore;
import dev.remediationstate.store.Transaction;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every write commits and then loses its answer, either as a timeout/5xx or as the 409 a re-sent
 * PUT meets. The request key recorded with each write must turn every retry into a replay.
 */
class LostResponseTest {
  private static final TaskId TASK = new TaskId("lost-1");
  private static final int FAULTS = 1_000;

  private final FakeStateStore memory = new FakeStateStore();
  private final FaultInjectingStateStore losing =
      FaultInjectingStateStore.losingEveryResponse(memory, 42);

  /** 20 tasks of 50 iterations: 1,000 faults without the cost of one 1,000-iteration state. */
  @Test
  void aThousandLostResponsesNeverIncrementTwice() {
    int tasks = 20;
    int perTask = FAULTS / tasks;
    ActionRunner runner = runner(losing);
    for (int t = 0; t < tasks; t++) {
      TaskId task = new TaskId("lost-" + t);
      seed(task, perTask);
      for (int i = 1; i <= perTask; i++) {
        String request = task + "-run-" + i;
        Results results = runner.run(task, new NextIterationAction(request), request);
        assertEquals(Integer.toString(i), results.asMap().get("iteration"), request);
      }
    }
    assertEquals(FAULTS, losing.lostResponses());
    assertEquals(FAULTS, memory.stored().size() - tasks, "one committed write per request");
    for (int t = 0; t < tasks; t++) {
      TaskId task = new TaskId("lost-" + t);
      RemediationState state = stored(task);
      assertEquals(perTask, state.iteration(), task.value());
      for (int i = 1; i <= perTask; i++) {
        assertEquals(task + "-run-" + i, state.iterations().get(i - 1).requestId());
      }
    }
  }

  @Test
  void aStepRetryAfterALostResponseReplaysTheRecordedResults() {
    seed(10);
    ActionRunner runner = runner(losing);
    Results first = runner.run(TASK, new NextIterationAction("tr-uid"), "tr-uid");
    int writes = memory.stored().size();
    Results retried = runner(memory).run(TASK, new NextIterationAction("tr-uid"), "tr-uid");
    assertEquals(first.asMap(), retried.asMap());
    assertEquals(writes, memory.stored().size());
    assertEquals(1, stored().iteration());
  }

  @Test
  void feedbackAndGateWithLostResponsesAreAppliedOnce() {
    seed(10);
    runner(memory).run(TASK, new NextIterationAction("it-1"), "it-1");
    ActionRunner runner = runner(losing);
    for (int i = 0; i < 50; i++) {
      FeedbackInput finding =
          FeedbackInput.parse(
              "{\"verdict\":\"changes-requested\",\"severity\":\"high\",\"issueType\":\"bug\","
                  + "\"description\":\"finding "
                  + i
                  + "\"}");
      runner.run(TASK, new RecordFeedbackAction(finding, "qa"), "fb-" + i);
    }
    runner.run(TASK, new GateAction(3), "gate-1");
    RemediationState state = stored();
    assertEquals(50, state.feedback().size());
    assertEquals(50, state.feedbackSequence());
  }

  private void seed(int maxIterations) {
    seed(TASK, maxIterations);
  }

  private void seed(TaskId task, int maxIterations) {
    RemediationState initial =
        RemediationState.initial(
            task.value(), maxIterations, Map.of(), Instant.parse("2026-01-01T00:00:00Z"));
    memory.put(StateConfigMap.encode(initial, Optional.empty()));
  }

  private RemediationState stored() {
    return stored(TASK);
  }

  private RemediationState stored(TaskId task) {
    return StateConfigMap.decode(memory.read(StateConfigMap.name(task)).orElseThrow(), task);
  }

  private static ActionRunner runner(StateStore store) {
    StateStore retrying =
        new RetryingStateStore(store, RetryPolicy.TRANSIENT, millis -> {}, () -> 0L, () -> 0.5);
    Transaction transaction =
        new Transaction(retrying, RetryPolicy.CONFLICTS, millis -> {}, () -> 0L, () -> 0.5);
    return new ActionRunner(
        transaction, Clock.fixed(Instant.parse("2026-01-02T00:00:00Z"), ZoneOffset.UTC));
  }
}
