package dev.remediationstate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.failure.ApiRefusedException;
import dev.remediationstate.failure.InvalidStateException;
import dev.remediationstate.failure.TransientApiException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A transaction's first attempt from a snapshot ({@link Snapshots}): a write that the server takes
 * only if the snapshot is still the stored object, and a fresh read for everything else.
 */
class SnapshotTransactionTest {
  private final FakeStateStore store = new FakeStateStore();
  private final Snapshots snapshots = new Snapshots(1 << 20);
  private final List<Long> sleeps = new ArrayList<>();
  private final RetryPolicy policy =
      new RetryPolicy(4, Duration.ofSeconds(60), Duration.ofMillis(10), Duration.ofMillis(80));

  private Transaction transaction(StateStore on) {
    return new Transaction(on, policy, sleeps::add, () -> 0L, () -> 0.0, snapshots.in("ns"));
  }

  @FunctionalInterface
  private interface Update {
    StateObject apply(StateObject object, String rv) throws ConflictException;
  }

  /**
   * The fake store with {@code read} and {@code update} of the test's own; a create always stores
   * (the object the test's read hides is replaced).
   */
  private StateStore with(Function<String, Optional<StateObject>> read, Update update) {
    return new StateStore() {
      @Override
      public Optional<StateObject> read(String name) {
        return read.apply(name);
      }

      @Override
      public StateObject create(StateObject object) {
        return store.put(object);
      }

      @Override
      public StateObject update(StateObject object, String rv) throws ConflictException {
        return update.apply(object, rv);
      }
    };
  }

  private static StateObject counter(int value) {
    return new StateObject(
        "c", Map.of(), Map.of(), Map.of("n", Integer.toString(value)), Map.of(), null, null);
  }

  private static int n(Optional<StateObject> current) {
    return current.map(o -> Integer.parseInt(o.data().get("n"))).orElse(0);
  }

  private static Transaction.Change<Integer> increment(Optional<StateObject> current) {
    int n = n(current) + 1;
    return Transaction.Change.write(counter(n), n);
  }

  @Test
  void aWriteFromTheObjectLastWrittenNeedsNoRead() {
    store.put(counter(5));
    transaction(store).run("c", SnapshotTransactionTest::increment);
    assertEquals(1, store.reads());
    String written = store.get("c").orElseThrow().resourceVersion();

    Transaction.Committed<Integer> second =
        transaction(store).run("c", SnapshotTransactionTest::increment);

    assertEquals(7, second.result());
    assertEquals(1, second.attempts());
    assertEquals(1, store.reads(), "the second increment started from the snapshot");
    assertEquals(written, store.writes().get(1).expectedResourceVersion());
  }

  @Test
  void aSnapshotOthersChangedSinceConflictsAndIsReadAtOnceWithoutPause() {
    store.put(counter(5));
    transaction(store).run("c", SnapshotTransactionTest::increment);
    store.put(counter(40)); // another writer, a new resourceVersion

    Transaction.Committed<Integer> next =
        transaction(store).run("c", SnapshotTransactionTest::increment);

    assertEquals(41, next.result());
    assertEquals(1, next.attempts());
    assertEquals(List.of(), sleeps);
    assertEquals("41", store.get("c").orElseThrow().data().get("n"));
  }

  @Test
  void aChangeThatWritesNothingIsDecidedOnTheStoredObject() {
    store.put(counter(5));
    transaction(store).run("c", SnapshotTransactionTest::increment);
    store.put(counter(40));
    int reads = store.reads();

    Transaction.Committed<Integer> seen =
        transaction(store).run("c", current -> Transaction.Change.none(n(current)));

    assertEquals(40, seen.result(), "a read-only result never comes from a snapshot");
    assertFalse(seen.wrote());
    assertEquals(reads + 1, store.reads());
  }

  @Test
  void aChangeThatRefusesTheSnapshotIsDecidedOnTheStoredObject() {
    store.put(counter(5));
    transaction(store).run("c", SnapshotTransactionTest::increment);
    store.put(counter(0)); // repaired by hand meanwhile

    Transaction.Committed<Integer> next =
        transaction(store)
            .run(
                "c",
                current -> {
                  if (n(current) >= 6) {
                    throw new InvalidStateException("limit reached", null);
                  }
                  return increment(current);
                });

    assertEquals(1, next.result());
  }

  @Test
  void archivePagesAreNeverWrittenFromASnapshot() {
    store.put(counter(5));
    transaction(store).run("c", SnapshotTransactionTest::increment);
    int reads = store.reads();
    StateObject page =
        new StateObject("c-page-1", Map.of(), Map.of(), Map.of("p", "1"), Map.of(), null, null);

    transaction(store)
        .run("c", current -> Transaction.Change.write(counter(n(current) + 1), List.of(page), 0));

    assertEquals(reads + 1, store.reads());
  }

  @Test
  void anObjectDeletedSinceItsSnapshotIsReadAgainAndCreated() {
    store.put(counter(5));
    transaction(store).run("c", SnapshotTransactionTest::increment);
    StateStore deleted =
        with(
            name -> Optional.empty(),
            (object, rv) -> {
              throw new ApiRefusedException(404, "configmaps \"c\" not found", null);
            });

    Transaction.Committed<Integer> next =
        transaction(deleted).run("c", SnapshotTransactionTest::increment);

    assertEquals(1, next.result());
    assertTrue(next.wrote());
  }

  @Test
  void aLostAnswerDropsTheSnapshotSoTheNextStepReads() {
    store.put(counter(5));
    transaction(store).run("c", SnapshotTransactionTest::increment);
    StateStore losing =
        with(
            store::read,
            (object, rv) -> {
              store.update(object, rv);
              throw new TransientApiException("no answer", 0, true, Optional.empty(), null);
            });
    assertThrows(
        TransientApiException.class,
        () -> transaction(losing).run("c", SnapshotTransactionTest::increment));
    int reads = store.reads();

    Transaction.Committed<Integer> next =
        transaction(store).run("c", SnapshotTransactionTest::increment);

    assertEquals(8, next.result(), "the committed 7 is read, not the snapshot's 6");
    assertEquals(reads + 1, store.reads());
  }

  @Test
  void archivePagesAreNotKeptAsSnapshots() {
    store.put(counter(5));
    StateObject page =
        new StateObject("c-page-1", Map.of(), Map.of(), Map.of("p", "1"), Map.of(), null, null);
    transaction(store)
        .run("c", current -> Transaction.Change.write(counter(n(current) + 1), List.of(page), 0));
    assertTrue(snapshots.in("ns").get("c").isPresent());
    assertTrue(snapshots.in("ns").get("c-page-1").isEmpty());
    assertEquals(1, snapshots.size());
  }

  @Test
  void snapshotsAreBoundedLeastRecentlyUsedFirstWithAnOverheadPerEntry() {
    Snapshots small = new Snapshots(8_000);
    Snapshots.Scope scope = small.in("ns");
    for (int i = 0; i < 10; i++) {
      scope.put(
          "s" + i,
          store.put(
              new StateObject(
                  "s" + i,
                  Map.of(),
                  Map.of(),
                  Map.of("d", "x".repeat(900)),
                  Map.of(),
                  null,
                  null)));
    }
    assertTrue(small.bytes() <= 8_000, "bytes " + small.bytes());
    assertEquals(4, small.size(), "each entry charged 900 + 1,024 bytes");
    assertTrue(scope.get("s9").isPresent());
    assertTrue(scope.get("s0").isEmpty());
    assertTrue(small.in("other").get("s9").isEmpty(), "namespaces are apart");
    scope.put(
        "big",
        store.put(
            new StateObject(
                "big", Map.of(), Map.of(), Map.of("d", "x".repeat(1_500)), Map.of(), null, null)));
    assertTrue(scope.get("big").isEmpty(), "over a quarter of the bound: not kept");
    for (int i = 0; i < 100; i++) {
      scope.put(
          "empty" + i,
          store.put(
              new StateObject("empty" + i, Map.of(), Map.of(), Map.of(), Map.of(), null, null)));
    }
    assertTrue(small.size() <= 8, "empty objects are charged too: " + small.size());
  }
}
