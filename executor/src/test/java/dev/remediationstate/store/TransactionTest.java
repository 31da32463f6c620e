package dev.remediationstate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.failure.ConflictExhaustedException;
import dev.remediationstate.failure.InvalidInputException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TransactionTest {
  private final FakeStateStore store = new FakeStateStore();
  private final List<Long> sleeps = new ArrayList<>();
  private final RetryPolicy policy =
      new RetryPolicy(4, Duration.ofSeconds(60), Duration.ofMillis(10), Duration.ofMillis(80));
  private final Transaction transaction =
      new Transaction(store, policy, sleeps::add, () -> 0L, () -> 0.0);

  private static StateObject counter(int value) {
    return new StateObject(
        "c", Map.of(), Map.of(), Map.of("n", Integer.toString(value)), Map.of(), null, null);
  }

  private static Transaction.Change<Integer> increment(Optional<StateObject> current) {
    int n = current.map(o -> Integer.parseInt(o.data().get("n"))).orElse(0) + 1;
    return Transaction.Change.write(counter(n), n);
  }

  @Test
  void createsWithPostWhenAbsent() {
    Transaction.Committed<Integer> done = transaction.run("c", TransactionTest::increment);
    assertEquals(1, done.result());
    assertEquals(1, done.attempts());
    assertEquals("create", store.writes().get(0).verb());
  }

  @Test
  void updatesWithTheResourceVersionItRead() {
    store.put(counter(5));
    String read = store.get("c").orElseThrow().resourceVersion();
    transaction.run("c", TransactionTest::increment);
    FakeStateStore.Write write = store.writes().get(0);
    assertEquals("update", write.verb());
    assertEquals(read, write.expectedResourceVersion());
    assertEquals("6", store.get("c").orElseThrow().data().get("n"));
  }

  @Test
  void rereadsAndReappliesAfterEachConflict() {
    store.put(counter(0));
    store.injectConflicts(3);
    Transaction.Committed<Integer> done = transaction.run("c", TransactionTest::increment);
    assertEquals(4, done.attempts());
    assertEquals(4, store.reads());
    assertEquals(List.of(5L, 10L, 20L), sleeps);
    assertEquals(1, done.result());
  }

  @Test
  void aCreateThatMeetsAnExistingObjectRereadsIt() {
    store.injectConflicts(1);
    AtomicInteger sawExisting = new AtomicInteger();
    transaction.run(
        "c",
        current -> {
          current.ifPresent(o -> sawExisting.incrementAndGet());
          return increment(current);
        });
    assertEquals(1, sawExisting.get());
    assertEquals("create", store.writes().get(0).verb());
    assertEquals("update", store.writes().get(1).verb());
  }

  @Test
  void givesBackTheLastConflictWhenTheBudgetIsSpent() {
    store.put(counter(0));
    store.injectConflicts(10);
    ConflictExhaustedException e =
        assertThrows(
            ConflictExhaustedException.class,
            () -> transaction.run("c", TransactionTest::increment));
    assertNotNull(e.getCause());
    assertTrue(e.getMessage().contains("4 attempts"), e.getMessage());
    assertEquals(4, store.writes().size());
    assertEquals(3, sleeps.size());
  }

  @Test
  void writesNothingWhenTheChangeAsksForNoWrite() {
    store.put(counter(3));
    Transaction.Committed<String> done = transaction.run("c", c -> Transaction.Change.none("same"));
    assertEquals("same", done.result());
    assertTrue(store.writes().isEmpty());
  }

  @Test
  void aFailureInTheChangeIsNotRetriedAndWritesNothing() {
    store.put(counter(3));
    assertThrows(
        InvalidInputException.class,
        () ->
            transaction.run(
                "c",
                c -> {
                  throw new InvalidInputException("x", "bad");
                }));
    assertTrue(store.writes().isEmpty());
    assertEquals(1, store.reads());
  }

  @Test
  void everyUpdateCarriesAResourceVersion() {
    store.put(counter(0));
    store.injectConflicts(2);
    transaction.run("c", TransactionTest::increment);
    transaction.run("c", TransactionTest::increment);
    store.writes().stream()
        .filter(w -> w.verb().equals("update"))
        .forEach(w -> assertNotNull(w.expectedResourceVersion()));
  }
}
