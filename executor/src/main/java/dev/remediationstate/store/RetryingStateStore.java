package dev.remediationstate.store;

import dev.remediationstate.failure.OutcomeUnknownException;
import dev.remediationstate.failure.TransientApiException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one transient-retry layer: retries 429, 5xx, timeouts and resets ({@link
 * TransientApiException}) of the store it decorates, with a {@link RetryPolicy} of its own that is
 * separate from the conflict budget of {@link Transaction}. The time budget counts from the first
 * request of this store (one store per process, so per action); attempts count per request. A delay
 * is at least the server's {@code Retry-After}; a pause that would end after the budget is not
 * taken and the last failure is given back (exit code 6).
 *
 * <p>Reads are always safe to repeat. A write whose outcome is unknown is never re-sent blindly:
 * the object is read again first. Unchanged (same resourceVersion, or still absent for a create),
 * the write did not commit and is sent again with the same precondition. Changed, it may be our own
 * write: a {@link ConflictException} sends the {@link Transaction} back to a fresh read, where the
 * request key recorded with the write decides between replaying and applying.
 */
public final class RetryingStateStore implements StateStore {
  private static final Logger LOG = LoggerFactory.getLogger(RetryingStateStore.class);

  private final StateStore delegate;
  private final RetryPolicy policy;
  private final Sleeper sleeper;
  private final LongSupplier nanoTime;
  private final DoubleSupplier random;
  private long start = -1;

  public RetryingStateStore(
      StateStore delegate,
      RetryPolicy policy,
      Sleeper sleeper,
      LongSupplier nanoTime,
      DoubleSupplier random) {
    this.delegate = delegate;
    this.policy = policy;
    this.sleeper = sleeper;
    this.nanoTime = nanoTime;
    this.random = random;
  }

  @Override
  public Optional<StateObject> read(String name) {
    startClock();
    for (int attempt = 1; ; attempt++) {
      try {
        return delegate.read(name);
      } catch (TransientApiException e) {
        pauseOrGiveUp(e, attempt);
      }
    }
  }

  @Override
  public StateObject create(StateObject object) throws ConflictException {
    startClock();
    for (int attempt = 1; ; attempt++) {
      try {
        return delegate.create(object);
      } catch (TransientApiException e) {
        pauseOrGiveUp(e, attempt);
        if (e.mayHaveCommitted() && reread(object.name(), e).isPresent()) {
          throw new ConflictException(
              "configmaps/" + object.name() + " exists after a create with no answer", e);
        }
      }
    }
  }

  @Override
  public StateObject update(StateObject object, String expectedResourceVersion)
      throws ConflictException {
    startClock();
    for (int attempt = 1; ; attempt++) {
      try {
        return delegate.update(object, expectedResourceVersion);
      } catch (TransientApiException e) {
        pauseOrGiveUp(e, attempt);
        if (e.mayHaveCommitted()) {
          Optional<StateObject> now = reread(object.name(), e);
          if (now.isEmpty() || !expectedResourceVersion.equals(now.get().resourceVersion())) {
            throw new ConflictException(
                "configmaps/" + object.name() + " changed during an update with no answer", e);
          }
        }
      }
    }
  }

  /** Reads after a write with no answer; if that fails too, the write's failure is the news. */
  private Optional<StateObject> reread(String name, TransientApiException writeFailure) {
    try {
      return read(name);
    } catch (TransientApiException readFailure) {
      writeFailure.addSuppressed(readFailure);
      throw writeFailure;
    }
  }

  private void startClock() {
    if (start < 0) {
      start = nanoTime.getAsLong();
    }
  }

  private void pauseOrGiveUp(TransientApiException e, int attemptsMade) {
    long elapsedMillis = (nanoTime.getAsLong() - start) / 1_000_000;
    OptionalLong backoff =
        policy.nextDelayMillis(attemptsMade, elapsedMillis, random.getAsDouble());
    if (backoff.isEmpty()) {
      throw e;
    }
    long retryAfter = e.retryAfter().map(d -> d.toMillis()).orElse(0L);
    long delay = Math.max(backoff.getAsLong(), retryAfter);
    if (elapsedMillis + delay > policy.maxElapsed().toMillis()) {
      throw e;
    }
    LOG.info(
        "transient failure (HTTP {}), attempt {}, retrying in {} ms",
        e.httpCode(),
        attemptsMade,
        delay);
    try {
      sleeper.sleep(delay);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new OutcomeUnknownException(
          "interrupted while waiting to retry: " + e.getMessage(), interrupted);
    }
  }
}
