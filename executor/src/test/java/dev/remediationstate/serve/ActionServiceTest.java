package dev.remediationstate.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.store.FakeStateStore;
import dev.remediationstate.store.RetryPolicy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActionServiceTest {
  private final FakeStateStore store = new FakeStateStore();
  private final ActionService service = newService();

  /** A service on the shared fake store, as a second replica or process would be. */
  private ActionService newService() {
    return new ActionService(
        namespace -> store,
        RetryPolicy.CONFLICTS,
        RetryPolicy.TRANSIENT,
        millis -> {},
        Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
  }

  private ActionReply.Failed failed(String action, Map<String, String> params) {
    return assertInstanceOf(ActionReply.Failed.class, service.run("ns", action, params, "r1"));
  }

  @Test
  void runsTheCliActionAndReplaysItsResultsForTheSameRequestId() {
    service.run("ns", "init", Map.of("task-id", "t1", "max-iterations", "3"), "init-1");
    ActionReply.Done first =
        assertInstanceOf(
            ActionReply.Done.class,
            service.run("ns", "next-iteration", Map.of("task-id", "t1"), "uid-1"));
    ActionReply.Done replay =
        assertInstanceOf(
            ActionReply.Done.class,
            service.run("ns", "next-iteration", Map.of("task-id", "t1"), "uid-1"));
    assertEquals("1", first.results().get("iteration"));
    assertEquals("3", first.results().get("max-iterations"));
    assertEquals(first.results(), replay.results());
    assertEquals("t1", first.taskId());
  }

  /**
   * A step that changes the state starts from the object this process last wrote (no GET), and a
   * write by anybody else in between is never lost: the stale snapshot's PUT meets a 409 and the
   * step runs again on a fresh read.
   */
  @Test
  void consecutiveStepsSkipTheReadUnlessSomebodyElseWrote() {
    service.run("ns", "init", Map.of("task-id", "t1", "max-iterations", "5"), "init-1");
    service.run("ns", "next-iteration", Map.of("task-id", "t1"), "uid-1");
    int reads = store.reads();
    ActionReply.Done second = nextIteration(service, "uid-2");
    assertEquals("2", second.results().get("iteration"));
    assertEquals(reads, store.reads(), "no GET for a step after our own write");

    // Another writer (a CLI step, another replica) advances the loop behind our back.
    ActionService other = newService();
    other.run("ns", "next-iteration", Map.of("task-id", "t1"), "cli-3");
    ActionReply.Done fourth = nextIteration(service, "uid-4");
    assertEquals("4", fourth.results().get("iteration"));

    // A read-only step is always answered from the stored object.
    other.run("ns", "next-iteration", Map.of("task-id", "t1"), "cli-5");
    ActionReply.Done replay = nextIteration(service, "cli-5");
    assertEquals("5", replay.results().get("iteration"));
  }

  private static ActionReply.Done nextIteration(ActionService on, String requestId) {
    return assertInstanceOf(
        ActionReply.Done.class, on.run("ns", "next-iteration", Map.of("task-id", "t1"), requestId));
  }

  @Test
  void theCliDefaultsApply() {
    ActionReply.Done done =
        assertInstanceOf(
            ActionReply.Done.class, service.run("ns", "init", Map.of("task-id", "t1"), "r"));
    assertEquals("10", done.results().get("max-iterations"));
  }

  @Test
  void aValueTheCliRefusesNamesItsParam() {
    ActionReply.Failed f = failed("init", Map.of("task-id", "t1", "max-iterations", "many"));
    assertEquals(ActionReply.Failure.INVALID_INPUT, f.kind());
    assertEquals("max-iterations", f.field());
    f = failed("init", Map.of("task-id", "t1", "max-iterations", "0"));
    assertEquals("max-iterations", f.field());
    f = failed("gate", Map.of("task-id", "t1", "no-progress-threshold", "1"));
    assertEquals("no-progress-threshold", f.field());
    f = failed("init", Map.of("task-id", "Not Valid"));
    assertEquals(ActionReply.Failure.INVALID_INPUT, f.kind());
  }

  @Test
  void paramsThatReachFilesNamespacesOrRetriesAreRefused() {
    for (String param :
        new String[] {
          "feedback-file", "namespace", "results-dir", "request-id", "conflict-attempts"
        }) {
      ActionReply.Failed f = failed("record-feedback", Map.of("task-id", "t1", param, "x"));
      assertEquals(param, f.field());
      assertTrue(f.message().contains("is not a parameter of record-feedback"), f.message());
    }
  }

  @Test
  void anUnknownActionOrAMissingTaskIdIsInvalidInput() {
    assertEquals("action", failed("rollback", Map.of("task-id", "t1")).field());
    assertEquals("task-id", failed("gate", Map.of()).field());
  }

  @Test
  void aMissingStateIsAnInvalidState() {
    assertEquals(ActionReply.Failure.INVALID_STATE, failed("gate", Map.of("task-id", "t1")).kind());
  }
}
