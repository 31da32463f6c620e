package dev.remediationstate.store;

import dev.remediationstate.failure.ApiRefusedException;
import dev.remediationstate.failure.ConflictExhaustedException;
import dev.remediationstate.failure.OutcomeUnknownException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The one transaction primitive, in the manner of client-go's {@code RetryOnConflict}.
 *
 * <p>Each attempt reads the named object, applies {@code change} to what it read, and, when the
 * change asks for a write, writes with the resourceVersion it read: a PUT with that version for an
 * existing object, a POST for an absent one. A 409 (the object changed, or was created meanwhile)
 * starts a new attempt from a fresh read; nothing else is retried here. When the {@link
 * RetryPolicy} is spent the last conflict is given back as a {@link ConflictExhaustedException}.
 *
 * <p>A change may also ask for archive pages to be written first ({@link Change#pagesFirst()}):
 * they are written by {@link ArchivePageWriter} before the main write, in order, so the main state
 * never refers to a page that is not there. A conflict on a page starts a new attempt too.
 *
 * <p>A long-running process may start the first attempt from a snapshot instead of a read ({@link
 * Snapshots}): the object it last read or wrote. Only a write can come of it, carrying the
 * snapshot's resourceVersion, so the server takes it only if the snapshot is still the stored
 * object. A 409 on that write, a refusal other than 401/403 (a 404: deleted since), a change that
 * writes nothing or writes archive pages, and a change that throws on the snapshot all fall back at
 * once (no pause, no attempt spent) to a fresh read. The result is therefore always computed from
 * the stored object. Every read and write of the named object updates its snapshot; any failure
 * leaving {@link #run} drops it.
 *
 * <p>{@code change} must be pure: it may run once per attempt, and once more on a snapshot.
 * Failures it throws propagate at once, before anything is written. The write of the last attempt
 * is the only one that ever commits.
 */
public final class Transaction {
  private static final Logger LOG = LoggerFactory.getLogger(Transaction.class);

  /**
   * What one attempt decided: the object to write (empty: no write), archive pages to write before
   * it, and the caller's result.
   */
  public record Change<R>(Optional<StateObject> write, List<StateObject> pagesFirst, R result) {
    public Change {
      pagesFirst = List.copyOf(pagesFirst);
    }

    public static <R> Change<R> none(R result) {
      return new Change<>(Optional.empty(), List.of(), result);
    }

    public static <R> Change<R> write(StateObject object, R result) {
      return new Change<>(Optional.of(object), List.of(), result);
    }

    public static <R> Change<R> write(StateObject object, List<StateObject> pagesFirst, R result) {
      return new Change<>(Optional.of(object), pagesFirst, result);
    }
  }

  /**
   * The outcome: the caller's result, the object as stored afterwards, attempts used, and whether
   * this run wrote it.
   */
  public record Committed<R>(R result, Optional<StateObject> stored, int attempts, boolean wrote) {}

  private final StateStore store;
  private final RetryPolicy policy;
  private final Sleeper sleeper;
  private final LongSupplier nanoTime;
  private final DoubleSupplier random;
  private final Snapshots.Scope snapshots;

  public Transaction(
      StateStore store,
      RetryPolicy policy,
      Sleeper sleeper,
      LongSupplier nanoTime,
      DoubleSupplier random) {
    this(store, policy, sleeper, nanoTime, random, Snapshots.NONE);
  }

  /**
   * With {@code snapshots} to start the first attempt from, kept current with every read and write
   * of the named object; see the class comment.
   */
  public Transaction(
      StateStore store,
      RetryPolicy policy,
      Sleeper sleeper,
      LongSupplier nanoTime,
      DoubleSupplier random,
      Snapshots.Scope snapshots) {
    this.store = store;
    this.policy = policy;
    this.sleeper = sleeper;
    this.nanoTime = nanoTime;
    this.random = random;
    this.snapshots = snapshots;
  }

  public <R> Committed<R> run(String name, Function<Optional<StateObject>, Change<R>> change) {
    try {
      return attempts(name, change);
    } catch (RuntimeException e) {
      // Whatever happened to the object (an ambiguous write, a refusal), the next run reads it.
      snapshots.forget(name);
      throw e;
    }
  }

  private <R> Committed<R> attempts(
      String name, Function<Optional<StateObject>, Change<R>> change) {
    long start = nanoTime.getAsLong();
    Optional<StateObject> snapshot = snapshots.get(name);
    for (int attempt = 1; ; attempt++) {
      MDC.put("attempt", Integer.toString(attempt));
      Optional<StateObject> current = snapshot;
      Change<R> decided = current.isPresent() ? onSnapshot(current, change) : null;
      boolean fromSnapshot = decided != null;
      snapshot = Optional.empty();
      if (!fromSnapshot) {
        current = store.read(name);
        current.ifPresentOrElse(o -> snapshots.put(name, o), () -> snapshots.forget(name));
        decided = change.apply(current);
      }
      current.ifPresent(o -> MDC.put("resourceVersion", o.resourceVersion()));
      if (decided.write().isEmpty()) {
        return new Committed<>(decided.result(), current, attempt, false);
      }
      try {
        for (StateObject page : decided.pagesFirst()) {
          new ArchivePageWriter(store).write(page, name, current);
        }
        StateObject written =
            current.isPresent()
                ? store.update(decided.write().get(), current.get().resourceVersion())
                : store.create(decided.write().get());
        MDC.put("resourceVersion", written.resourceVersion());
        snapshots.put(name, written);
        return new Committed<>(decided.result(), Optional.of(written), attempt, true);
      } catch (ApiRefusedException refused) {
        // From a snapshot, a refusal other than of our identity (a 404: deleted since; an
        // admission webhook judging stale content) is worth one fresh read.
        if (!fromSnapshot || refused.httpCode() == 401 || refused.httpCode() == 403) {
          throw refused;
        }
        LOG.debug("{} refused from its snapshot ({}); reading it", name, refused.httpCode());
        snapshots.forget(name);
        attempt--;
      } catch (ConflictException conflict) {
        snapshots.forget(name);
        if (fromSnapshot) {
          LOG.debug("{} changed since its snapshot; reading it", name);
          attempt--;
          continue;
        }
        long elapsedMillis = (nanoTime.getAsLong() - start) / 1_000_000;
        OptionalLong delay = policy.nextDelayMillis(attempt, elapsedMillis, random.getAsDouble());
        if (delay.isEmpty()) {
          throw new ConflictExhaustedException(
              name
                  + ": still conflicting after "
                  + attempt
                  + " attempts in "
                  + elapsedMillis
                  + " ms; nothing was written, safe to re-run",
              conflict);
        }
        LOG.debug("conflict on {}, retrying in {} ms", name, delay.getAsLong());
        pause(delay.getAsLong());
      }
    }
  }

  /**
   * The change decided on a snapshot, or null when that cannot stand without a read: no write (the
   * result must come from the stored object), archive pages, or a failure.
   */
  private static <R> Change<R> onSnapshot(
      Optional<StateObject> snapshot, Function<Optional<StateObject>, Change<R>> change) {
    try {
      Change<R> decided = change.apply(snapshot);
      return decided.write().isPresent() && decided.pagesFirst().isEmpty() ? decided : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private void pause(long millis) {
    try {
      sleeper.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OutcomeUnknownException("interrupted between attempts; nothing was written", e);
    }
  }
}
