package dev.remediationstate.store;

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
 * <p>{@code change} must be pure: it may run once per attempt. Failures it throws propagate at
 * once, before anything is written. The write of the last attempt is the only one that ever
 * commits.
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

  public Transaction(
      StateStore store,
      RetryPolicy policy,
      Sleeper sleeper,
      LongSupplier nanoTime,
      DoubleSupplier random) {
    this.store = store;
    this.policy = policy;
    this.sleeper = sleeper;
    this.nanoTime = nanoTime;
    this.random = random;
  }

  public <R> Committed<R> run(String name, Function<Optional<StateObject>, Change<R>> change) {
    long start = nanoTime.getAsLong();
    for (int attempt = 1; ; attempt++) {
      MDC.put("attempt", Integer.toString(attempt));
      Optional<StateObject> current = store.read(name);
      current.ifPresent(o -> MDC.put("resourceVersion", o.resourceVersion()));
      Change<R> decided = change.apply(current);
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
        return new Committed<>(decided.result(), Optional.of(written), attempt, true);
      } catch (ConflictException conflict) {
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

  private void pause(long millis) {
    try {
      sleeper.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OutcomeUnknownException("interrupted between attempts; nothing was written", e);
    }
  }
}
