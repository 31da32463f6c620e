package dev.remediationstate.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.failure.InvalidStateException;
import dev.remediationstate.feedback.FeedbackInput;
import dev.remediationstate.results.Results;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.StateJson;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.FakeStateStore;
import dev.remediationstate.store.RetryPolicy;
import dev.remediationstate.store.StateConfigMap;
import dev.remediationstate.store.StateObject;
import dev.remediationstate.store.Transaction;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActionRunnerTest {
  private final TaskId task = new TaskId("t1");
  private final FakeStateStore store = new FakeStateStore();
  private final ActionRunner runner =
      new ActionRunner(
          new Transaction(store, RetryPolicy.CONFLICTS, ms -> {}, () -> 0L, () -> 0.5),
          Clock.fixed(States.T0, ZoneOffset.UTC));

  private RemediationState stored() {
    return StateConfigMap.decode(store.get("task-t1-state").orElseThrow(), task);
  }

  @Test
  void aRetriedRequestReturnsTheRecordedResultsAndChangesNothing() {
    runner.run(task, new InitAction(task, 5, Map.of()), "init-1");
    Results first = runner.run(task, new NextIterationAction("req-a"), "req-a");
    int writes = store.writes().size();
    Results again = runner.run(task, new NextIterationAction("req-a"), "req-a");
    assertEquals(first, again);
    assertEquals(writes, store.writes().size());
    assertEquals(1, stored().iteration());
  }

  @Test
  void aRetriedInitReturnsCreatedTrueAgain() {
    Results first = runner.run(task, new InitAction(task, 5, Map.of()), "init-1");
    assertEquals("true", first.get("created"));
    assertEquals(
        "true", runner.run(task, new InitAction(task, 5, Map.of()), "init-1").get("created"));
    assertEquals(
        "false", runner.run(task, new InitAction(task, 5, Map.of()), "init-2").get("created"));
  }

  @Test
  void findingsOfOneRequestAreDistinguishedBySourceRef() {
    runner.run(task, new InitAction(task, 5, Map.of()), "i");
    runner.run(task, new NextIterationAction("n"), "n");
    for (String ref : new String[] {"c1", "c2", "c1"}) {
      String json =
          States.finding("problem " + ref).replace("}", ",\"sourceRef\":\"" + ref + "\"}");
      runner.run(task, new RecordFeedbackAction(FeedbackInput.parse(json), "qa"), "taskrun-uid");
    }
    assertEquals(2, stored().feedback().size());
  }

  @Test
  void survivesConflictsWithoutLosingTheUpdate() {
    runner.run(task, new InitAction(task, 5, Map.of()), "i");
    store.injectConflicts(5);
    Results results = runner.run(task, new NextIterationAction("n"), "n");
    assertEquals("1", results.get("iteration"));
    assertEquals(1, stored().iteration());
  }

  @Test
  void refusesAnInvalidStoredStateAndLeavesItUntouched() {
    runner.run(task, new InitAction(task, 5, Map.of()), "i");
    StateObject good = store.get("task-t1-state").orElseThrow();
    Map<String, String> data = new LinkedHashMap<>(good.data());
    data.put("state.json", "{ broken");
    store.put(
        new StateObject(
            good.name(),
            good.labels(),
            good.annotations(),
            data,
            good.binaryData(),
            null,
            good.uid()));
    int writes = store.writes().size();
    assertThrows(
        InvalidStateException.class, () -> runner.run(task, new NextIterationAction("n"), "n"));
    assertThrows(InvalidStateException.class, () -> runner.run(task, new GateAction(3), "g"));
    assertEquals(writes, store.writes().size());
    assertEquals("{ broken", store.get("task-t1-state").orElseThrow().data().get("state.json"));
  }

  @Test
  void refusesToRewriteANewerSchemaButLeavesItReadable() {
    runner.run(task, new InitAction(task, 5, Map.of()), "i");
    StateObject good = store.get("task-t1-state").orElseThrow();
    Map<String, String> data = new LinkedHashMap<>(good.data());
    data.put(
        "state.json",
        data.get("state.json")
            .replace(
                "\"schemaVersion\":" + RemediationState.SCHEMA_VERSION, "\"schemaVersion\":9"));
    store.put(
        new StateObject(
            good.name(),
            good.labels(),
            good.annotations(),
            data,
            good.binaryData(),
            null,
            good.uid()));
    InvalidStateException e =
        assertThrows(
            InvalidStateException.class, () -> runner.run(task, new NextIterationAction("n"), "n"));
    assertTrue(e.getMessage().contains("upgrade"), e.getMessage());
    assertEquals(
        9,
        StateJson.read(store.get("task-t1-state").orElseThrow().data().get("state.json"), "x")
            .schemaVersion());
  }

  @Test
  void theRequestWindowIsBounded() {
    runner.run(task, new InitAction(task, 100, Map.of()), "i");
    for (int i = 0; i < RemediationState.REQUEST_WINDOW + 10; i++) {
      runner.run(task, new NextIterationAction("n" + i), "n" + i);
    }
    assertEquals(RemediationState.REQUEST_WINDOW, stored().requests().size());
    assertEquals(RemediationState.REQUEST_WINDOW + 10, stored().iteration());
  }
}
