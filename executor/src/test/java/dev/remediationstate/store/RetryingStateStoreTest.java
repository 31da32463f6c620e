package dev.remediationstate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.failure.ApiRefusedException;
import dev.remediationstate.failure.TransientApiException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryingStateStoreTest {
  private static final RetryPolicy POLICY =
      new RetryPolicy(5, Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofSeconds(2));

  private final FakeStateStore memory = new FakeStateStore();
  private final Scripted scripted = new Scripted(memory);
  private final List<Long> sleeps = new ArrayList<>();
  private long nanos = 0;
  private final RetryingStateStore store =
      new RetryingStateStore(
          scripted,
          POLICY,
          millis -> {
            sleeps.add(millis);
            nanos += millis * 1_000_000;
          },
          () -> nanos,
          () -> 0.0);

  @Test
  void retriesReadsUntilTheyAnswer() {
    memory.put(object("a", "1"));
    scripted.failNext(unavailable(503, false), unavailable(0, false));
    assertEquals("1", store.read("a").orElseThrow().data().get("v"));
    assertEquals(List.of(50L, 100L), sleeps);
  }

  @Test
  void waitsAtLeastTheServersRetryAfter() {
    scripted.failNext(throttled(Duration.ofSeconds(3)));
    store.read("a");
    assertEquals(List.of(3000L), sleeps);
  }

  @Test
  void givesUpWhenRetryAfterWouldOutlastTheBudget() {
    TransientApiException throttled = throttled(Duration.ofSeconds(11));
    scripted.failNext(throttled);
    assertSame(throttled, assertThrows(TransientApiException.class, () -> store.read("a")));
    assertEquals(List.of(), sleeps);
  }

  @Test
  void givesBackTheLastFailureWhenAttemptsAreSpent() {
    TransientApiException last = unavailable(502, false);
    scripted.failNext(
        unavailable(503, false),
        unavailable(503, false),
        unavailable(503, false),
        unavailable(503, false),
        last);
    assertSame(last, assertThrows(TransientApiException.class, () -> store.read("a")));
    assertEquals(4, sleeps.size());
  }

  @Test
  void neverRetriesARefusal() {
    scripted.failNext(new ApiRefusedException(403, "forbidden", null));
    assertThrows(ApiRefusedException.class, () -> store.read("a"));
    assertEquals(List.of(), sleeps);
  }

  @Test
  void resendsAnUnansweredUpdateWhenTheObjectIsUnchanged() throws Exception {
    StateObject stored = memory.put(object("a", "1"));
    scripted.failNext(unavailable(0, true));
    StateObject written = store.update(object("a", "2"), stored.resourceVersion());
    assertEquals("2", written.data().get("v"));
    assertEquals(2, memory.stored().size());
  }

  @Test
  void sendsTheTransactionBackToReadWhenAnUnansweredUpdateMayHaveCommitted() {
    StateObject stored = memory.put(object("a", "1"));
    scripted.commitThenFail(unavailable(504, true));
    assertThrows(
        ConflictException.class, () -> store.update(object("a", "2"), stored.resourceVersion()));
    assertEquals("2", memory.read("a").orElseThrow().data().get("v"));
    assertEquals(2, memory.stored().size());
  }

  @Test
  void sendsTheTransactionBackToReadWhenAnUnansweredCreateMayHaveCommitted() {
    scripted.commitThenFail(unavailable(0, true));
    assertThrows(ConflictException.class, () -> store.create(object("a", "1")));
    assertEquals(1, memory.stored().size());
  }

  @Test
  void reportsTheWriteFailureWhenTheCheckingReadFailsToo() {
    StateObject stored = memory.put(object("a", "1"));
    TransientApiException write = unavailable(0, true);
    scripted.failNext(write);
    for (int i = 0; i < 5; i++) {
      scripted.failNext(unavailable(503, false));
    }
    TransientApiException thrown =
        assertThrows(
            TransientApiException.class,
            () -> store.update(object("a", "2"), stored.resourceVersion()));
    assertSame(write, thrown);
    assertTrue(thrown.mayHaveCommitted());
  }

  static StateObject object(String name, String value) {
    return new StateObject(name, Map.of(), Map.of(), Map.of("v", value), Map.of(), null, null);
  }

  static TransientApiException unavailable(int code, boolean committed) {
    return new TransientApiException("injected " + code, code, committed, Optional.empty(), null);
  }

  static TransientApiException throttled(Duration retryAfter) {
    return new TransientApiException("injected 429", 429, false, Optional.of(retryAfter), null);
  }

  /** Fails the next calls with the given failures, before or after committing a write. */
  private static final class Scripted implements StateStore {
    private final StateStore delegate;
    private final Deque<RuntimeException> before = new ArrayDeque<>();
    private final Deque<RuntimeException> after = new ArrayDeque<>();

    Scripted(StateStore delegate) {
      this.delegate = delegate;
    }

    void failNext(RuntimeException... failures) {
      before.addAll(List.of(failures));
    }

    void commitThenFail(RuntimeException failure) {
      after.add(failure);
    }

    @Override
    public Optional<StateObject> read(String name) {
      throwBefore();
      return delegate.read(name);
    }

    @Override
    public StateObject create(StateObject object) throws ConflictException {
      throwBefore();
      StateObject created = delegate.create(object);
      throwAfter();
      return created;
    }

    @Override
    public StateObject update(StateObject object, String expectedResourceVersion)
        throws ConflictException {
      throwBefore();
      StateObject updated = delegate.update(object, expectedResourceVersion);
      throwAfter();
      return updated;
    }

    private void throwBefore() {
      if (!before.isEmpty()) {
        throw before.poll();
      }
    }

    private void throwAfter() {
      if (!after.isEmpty()) {
        throw after.poll();
      }
    }
  }
}
