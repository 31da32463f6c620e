package dev.remediationstate.customrun;

import static dev.remediationstate.customrun.Runs.condition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remediationstate.serve.ActionService;
import dev.remediationstate.serve.EventSink;
import dev.remediationstate.serve.ServeMetrics;
import dev.remediationstate.store.FakeStateStore;
import dev.remediationstate.store.RetryPolicy;
import dev.remediationstate.store.StateConfigMap;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CustomRunControllerTest {
  private final FakeStateStore store = new FakeStateStore();
  private final FakeRuns runs = new FakeRuns();
  private final List<String> events = new ArrayList<>();
  private final Clock clock = Clock.fixed(Runs.CREATED.plusSeconds(5), ZoneOffset.UTC);
  private final CustomRunController controller =
      new CustomRunController(
          Runs.API_VERSION,
          Runs.KIND,
          runs,
          runs,
          new ActionService(
              namespace -> store,
              RetryPolicy.CONFLICTS,
              RetryPolicy.TRANSIENT,
              millis -> {},
              clock),
          (EventSink) (regarding, type, reason, message) -> events.add(reason),
          new ServeMetrics(),
          new RunDecision(Duration.ofSeconds(5)),
          clock,
          1);

  private CustomRunController.Result reconcile(String name, Map<String, String> params) {
    runs.put(Runs.run(name, params));
    return controller.reconcile("ns/" + name);
  }

  private String iteration() {
    return store.get("task-t1-state").get().data().get(StateConfigMap.KEY_ITERATION);
  }

  @Test
  void aLoopRunsThroughCustomRunsWithResultsInTheStatus() {
    reconcile("init", Map.of("action", "init", "task-id", "t1", "max-iterations", "2"));
    assertEquals("True", condition(runs.status("ns/init"), "status"));
    reconcile("next-1", Map.of("action", "next-iteration", "task-id", "t1"));
    ObjectNode status = runs.status("ns/next-1");
    assertEquals("True", condition(status, "status"));
    assertEquals("iteration", status.path("results").get(0).path("name").asText());
    assertEquals("1", status.path("results").get(0).path("value").asText());
    assertEquals("1", iteration());
    assertEquals(List.of("Initialized", "IterationStarted"), events);
  }

  @Test
  void aDuplicateEventOnAStaleCacheReplaysInsteadOfApplyingAgain() {
    reconcile("init", Map.of("action", "init", "task-id", "t1"));
    runs.staleCache = true;
    reconcile("next-1", Map.of("action", "next-iteration", "task-id", "t1"));
    controller.reconcile("ns/next-1");
    controller.reconcile("ns/next-1");
    assertEquals("1", iteration(), "three reconciles of one CustomRun, one iteration");
    ObjectNode first = runs.writes.get(1);
    ObjectNode third = runs.writes.get(3);
    assertEquals(first.path("results"), third.path("results"));
  }

  @Test
  void aStatusConflictBacksOffAndTheRetryReplays() {
    reconcile("init", Map.of("action", "init", "task-id", "t1"));
    runs.conflictsToInject = 2;
    assertTrue(reconcile("next-1", Map.of("action", "next-iteration", "task-id", "t1")).backoff());
    assertTrue(controller.reconcile("ns/next-1").backoff());
    assertTrue(!controller.reconcile("ns/next-1").backoff());
    assertEquals("True", condition(runs.status("ns/next-1"), "status"));
    assertEquals("1", iteration());
  }

  @Test
  void aDoneRunIsNeverWrittenAgain() {
    reconcile("init", Map.of("action", "init", "task-id", "t1"));
    int writes = runs.writes.size();
    controller.reconcile("ns/init");
    assertEquals(writes, runs.writes.size());
  }

  @Test
  void otherKindsAreIgnored() {
    ObjectNode other = Runs.run("x", Map.of("action", "init", "task-id", "t1"));
    ((ObjectNode) other.path("spec").path("customRef")).put("kind", "Wait");
    runs.put(other);
    controller.reconcile("ns/x");
    assertTrue(runs.writes.isEmpty());
    assertTrue(store.get("task-t1-state").isEmpty());
  }

  @Test
  void aRefusedParamFailsTheRunAndWritesNoState() {
    reconcile("bad", Map.of("action", "init", "task-id", "t1", "namespace", "other"));
    assertEquals("False", condition(runs.status("ns/bad"), "status"));
    assertEquals("InvalidParamNamespace", condition(runs.status("ns/bad"), "reason"));
    assertTrue(store.get("task-t1-state").isEmpty());
  }

  @Test
  void aNextIterationBeforeInitFailsWithStateInvalid() {
    reconcile("early", Map.of("action", "next-iteration", "task-id", "t1"));
    assertEquals("StateInvalid", condition(runs.status("ns/early"), "reason"));
  }
}
