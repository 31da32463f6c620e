package dev.remediationstate.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.action.ActionRunner;
import dev.remediationstate.action.NextIterationAction;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.Status;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.RetryPolicy;
import dev.remediationstate.store.StateConfigMap;
import dev.remediationstate.store.StateObject;
import dev.remediationstate.store.Transaction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SweepTest {
  static final Instant T0 = Instant.parse("2026-01-10T00:00:00Z");
  final FakeConfigMaps api = new FakeConfigMaps();
  final MutableClock clock = new MutableClock(T0);

  static StateObject state(String id, Status status, Instant lastUpdate) {
    RemediationState s = RemediationState.initial(id, 5, Map.of(), lastUpdate);
    if (status != Status.INITIALIZED) {
      s = s.withStatus(status, null, lastUpdate);
    }
    return StateConfigMap.encode(s, Optional.empty());
  }

  static StateObject page(String id, int n) {
    return new StateObject(
        "task-" + id + "-state-archive-" + n,
        Map.of(StateConfigMap.LABEL_NAME, StateConfigMap.APP, StateConfigMap.LABEL_TASK_ID, id),
        Map.of(),
        Map.of(),
        Map.of("history.gz", new byte[] {1, 2, 3}),
        null,
        null);
  }

  void put(StateObject o) {
    api.put(o, T0.minus(Duration.ofDays(30)));
  }

  Tally sweep(GcPolicy policy) {
    return new Sweep(api.edges(), policy, clock, System::nanoTime, SweepObserver.NONE).run();
  }

  Tally sweep() {
    return sweep(GcPolicy.defaults());
  }

  boolean marked(String name) {
    return api.get(name).orElseThrow().labels().containsKey(StateConfigMap.LABEL_GC_MARKED);
  }

  @Test
  void marksExpiredThenDeletesOnlyAfterTheGracePeriod() {
    put(state("old", Status.COMPLETED, T0.minus(Duration.ofDays(8))));
    put(state("young", Status.COMPLETED, T0.minus(Duration.ofDays(6))));

    Tally first = sweep();
    assertEquals(2, first.scanned);
    assertEquals(1, first.expired);
    assertEquals(1, first.marked);
    assertTrue(marked("task-old-state"));
    assertFalse(marked("task-young-state"));
    assertEquals(
        T0.plus(GcPolicy.DEFAULT_GRACE).toString(),
        api.get("task-old-state")
            .orElseThrow()
            .annotations()
            .get(StateConfigMap.ANNOTATION_GC_DELETE_AFTER));

    clock.advance(Duration.ofHours(23));
    Tally waiting = sweep();
    assertEquals(1, waiting.expired);
    assertEquals(0, waiting.marked + waiting.deleted);
    assertTrue(api.get("task-old-state").isPresent());

    clock.advance(Duration.ofHours(1));
    Tally second = sweep();
    assertEquals(1, second.deleted);
    assertTrue(api.get("task-old-state").isEmpty());
    assertTrue(api.get("task-young-state").isPresent());
  }

  @Test
  void nextIterationOnAMarkedStateClearsTheMarkAndCancelsTheDelete() {
    put(state("loop", Status.IN_PROGRESS, T0.minus(Duration.ofDays(8))));
    sweep();
    assertTrue(marked("task-loop-state"));

    clock.advance(Duration.ofHours(1));
    Transaction transaction =
        new Transaction(api, RetryPolicy.CONFLICTS, ms -> {}, System::nanoTime, () -> 0.5);
    new ActionRunner(transaction, clock)
        .run(new TaskId("loop"), new NextIterationAction("req-1"), "req-1");
    StateObject touched = api.get("task-loop-state").orElseThrow();
    assertFalse(touched.labels().containsKey(StateConfigMap.LABEL_GC_MARKED));
    assertFalse(touched.annotations().containsKey(StateConfigMap.ANNOTATION_GC_MARKED_AT));
    assertFalse(touched.annotations().containsKey(StateConfigMap.ANNOTATION_GC_DELETE_AFTER));

    clock.advance(Duration.ofDays(2));
    Tally later = sweep();
    assertEquals(0, later.deleted);
    assertEquals(0, later.expired);
    assertTrue(api.get("task-loop-state").isPresent());
  }

  @Test
  void aStateTouchedAfterItWasMarkedIsRestored() {
    put(state("a", Status.COMPLETED, T0.minus(Duration.ofDays(8))));
    sweep();
    // A writer that keeps foreign keys (an older executor) updates the state but not the mark.
    StateObject marked = api.get("task-a-state").orElseThrow();
    Map<String, String> data = new LinkedHashMap<>(marked.data());
    data.put(StateConfigMap.KEY_LAST_UPDATE, T0.plus(Duration.ofHours(1)).toString());
    api.put(
        new StateObject(
            marked.name(),
            marked.labels(),
            marked.annotations(),
            data,
            marked.binaryData(),
            null,
            null),
        T0);

    clock.advance(Duration.ofDays(8).plusHours(2));
    Tally tally = sweep();
    assertEquals(1, tally.restored);
    assertEquals(0, tally.deleted);
    assertFalse(marked("task-a-state"));
  }

  @Test
  void aTouchBetweenListAndDeleteCancelsTheDelete() {
    put(state("a", Status.COMPLETED, T0.minus(Duration.ofDays(8))));
    sweep();
    clock.advance(Duration.ofDays(2));
    api.touchBeforeWrite.add("task-a-state");
    Tally tally = sweep();
    assertEquals(0, tally.deleted);
    assertEquals(0, tally.failed);
    assertEquals(1, tally.conflicts);
    assertTrue(api.get("task-a-state").isPresent());
  }

  @Test
  void protectsUnreadableNewerAndAnnotatedStatesAndNeverWritesThem() {
    Instant old = T0.minus(Duration.ofDays(30));
    StateObject good = state("bad", Status.COMPLETED, old);
    Map<String, String> broken = new LinkedHashMap<>(good.data());
    broken.put(StateConfigMap.KEY_STATE, "{not json");
    put(
        new StateObject(
            good.name(), good.labels(), good.annotations(), broken, Map.of(), null, null));
    StateObject newer = state("newer", Status.COMPLETED, old);
    Map<String, String> schema2 = new LinkedHashMap<>(newer.annotations());
    schema2.put(
        StateConfigMap.ANNOTATION_SCHEMA,
        Integer.toString(dev.remediationstate.state.RemediationState.SCHEMA_VERSION + 1));
    put(new StateObject(newer.name(), newer.labels(), schema2, newer.data(), Map.of(), null, null));
    StateObject kept = state("kept", Status.COMPLETED, old);
    Map<String, String> protect = new LinkedHashMap<>(kept.annotations());
    protect.put(GcRules.ANNOTATION_PROTECT, "true");
    put(new StateObject(kept.name(), kept.labels(), protect, kept.data(), Map.of(), null, null));

    Tally tally = sweep();
    assertEquals(3, tally.protectedCount);
    assertEquals(0, api.patches + api.deletes);

    Tally forced =
        sweep(new GcPolicy(GcPolicy.DEFAULT_TTL, GcPolicy.DEFAULT_GRACE, false, true, 100, 1000));
    assertEquals(2, forced.protectedCount);
    assertEquals(1, forced.marked);
    assertTrue(marked("task-bad-state"));
  }

  @Test
  void activeLoopsWithinTheTtlAreNeverWritten() {
    put(state("running", Status.IN_PROGRESS, T0.minus(Duration.ofDays(6))));
    put(state("new", Status.INITIALIZED, T0.minus(Duration.ofMinutes(1))));
    Tally tally = sweep();
    assertEquals(2, tally.scanned);
    assertEquals(0, tally.expired);
    assertEquals(0, api.patches + api.deletes);
  }

  @Test
  void dryRunReportsAndWritesNothing() {
    put(state("a", Status.COMPLETED, T0.minus(Duration.ofDays(8))));
    put(page("a", 1));
    GcPolicy dry =
        new GcPolicy(GcPolicy.DEFAULT_TTL, GcPolicy.DEFAULT_GRACE, true, false, 100, 1000);
    Tally tally = sweep(dry);
    assertEquals(1, tally.marked);
    assertEquals(0, api.patches + api.deletes);
    assertEquals("true", tally.results(true).get("dry-run"));
  }

  @Test
  void archivePagesGoAfterTheirStateAndOrphansAfterTheGracePeriod() {
    put(state("a", Status.COMPLETED, T0.minus(Duration.ofDays(8))));
    put(page("a", 1));
    put(page("a", 2));
    put(page("gone", 1));
    put(state("live", Status.IN_PROGRESS, T0));
    put(page("live", 1));

    Tally first = sweep();
    assertEquals(6, first.scanned);
    assertEquals(2, first.marked); // the state and the orphan page
    assertTrue(marked("task-gone-state-archive-1"));
    assertFalse(marked("task-live-state-archive-1"));
    assertFalse(marked("task-a-state-archive-1"));

    clock.advance(Duration.ofDays(1));
    Tally second = sweep();
    assertEquals(4, second.deleted); // state a, its two pages, the orphan
    assertEquals(List.of("task-live-state", "task-live-state-archive-1"), names());
  }

  @Test
  void oneFailingObjectIsCountedAndNamedAndTheRunGoesOn() {
    for (String id : List.of("a", "b", "c")) {
      put(state(id, Status.COMPLETED, T0.minus(Duration.ofDays(8))));
    }
    api.refuse.add("task-b-state");
    Tally tally = sweep();
    assertEquals(3, tally.scanned);
    assertEquals(2, tally.marked);
    assertEquals(1, tally.failed);
    assertEquals(List.of("task-b-state"), tally.failedNames());
    assertEquals("task-b-state", tally.results(false).get("failed-objects"));
  }

  @Test
  void pagesThroughTheListAndRestartsAfterAnExpiredContinueToken() {
    for (int i = 0; i < 25; i++) {
      put(state(String.format("t%02d", i), Status.COMPLETED, T0.minus(Duration.ofDays(8))));
    }
    api.expireListCall = 3; // the third request (second continue) answers 410
    Tally tally =
        sweep(new GcPolicy(GcPolicy.DEFAULT_TTL, GcPolicy.DEFAULT_GRACE, false, false, 10, 1000));
    assertEquals(25, tally.scanned);
    assertEquals(25, tally.marked);
    assertEquals(25, api.patches);
    assertEquals(6, api.listCalls); // 2 pages, 410, then 3 pages from the start
  }

  private List<String> names() {
    List<String> names = new ArrayList<>();
    api.list("", 1000, null).items().forEach(l -> names.add(l.object().name()));
    return names;
  }
}
