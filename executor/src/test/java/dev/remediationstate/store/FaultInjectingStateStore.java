package dev.remediationstate.store;

import dev.remediationstate.failure.TransientApiException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Wraps a store and injects the faults of a struggling API server at a given rate, from a seeded
 * random source so a failing run can be repeated:
 *
 * <ul>
 *   <li>{@link Fault#REFUSED_BEFORE}: 429 (with Retry-After), 503 or no answer, nothing committed;
 *   <li>{@link Fault#LOST_RESPONSE}: the write commits, then its answer is lost (5xx or timeout);
 *   <li>{@link Fault#OWN_WRITE_CONFLICT}: the write commits, its answer is lost and the re-sent PUT
 *       meets it as a 409 (what fabric8's own retry does).
 * </ul>
 */
public final class FaultInjectingStateStore implements StateStore {
  public enum Fault {
    NONE,
    REFUSED_BEFORE,
    LOST_RESPONSE,
    OWN_WRITE_CONFLICT
  }

  private final StateStore delegate;
  private final Random random;
  private final double readRate;
  private final double writeRate;
  private final List<Fault> writeFaults;
  private int injected;
  private int lostResponses;

  /** Every kind of fault, on reads and writes alike, at {@code rate}. */
  public FaultInjectingStateStore(StateStore delegate, long seed, double rate) {
    this(
        delegate,
        seed,
        rate,
        rate,
        List.of(Fault.REFUSED_BEFORE, Fault.LOST_RESPONSE, Fault.OWN_WRITE_CONFLICT));
  }

  public FaultInjectingStateStore(
      StateStore delegate, long seed, double readRate, double writeRate, List<Fault> writeFaults) {
    this.delegate = delegate;
    this.random = new Random(seed);
    this.readRate = readRate;
    this.writeRate = writeRate;
    this.writeFaults = List.copyOf(writeFaults);
  }

  /** Every write commits and then loses its answer; reads are sound. */
  public static FaultInjectingStateStore losingEveryResponse(StateStore delegate, long seed) {
    return new FaultInjectingStateStore(
        delegate, seed, 0, 1, List.of(Fault.LOST_RESPONSE, Fault.OWN_WRITE_CONFLICT));
  }

  /** Faults injected so far, and of them the writes that committed without an answer. */
  public synchronized int injected() {
    return injected;
  }

  public synchronized int lostResponses() {
    return lostResponses;
  }

  @Override
  public Optional<StateObject> read(String name) {
    if (pick(false) != Fault.NONE) {
      throw transientFailure(false);
    }
    return delegate.read(name);
  }

  @Override
  public StateObject create(StateObject object) throws ConflictException {
    Fault fault = pick(true);
    if (fault == Fault.REFUSED_BEFORE) {
      throw transientFailure(false);
    }
    StateObject created = delegate.create(object);
    return afterCommit(fault, created);
  }

  @Override
  public StateObject update(StateObject object, String expectedResourceVersion)
      throws ConflictException {
    Fault fault = pick(true);
    if (fault == Fault.REFUSED_BEFORE) {
      throw transientFailure(false);
    }
    StateObject updated = delegate.update(object, expectedResourceVersion);
    return afterCommit(fault, updated);
  }

  private StateObject afterCommit(Fault fault, StateObject written) throws ConflictException {
    if (fault == Fault.LOST_RESPONSE) {
      throw transientFailure(true);
    }
    if (fault == Fault.OWN_WRITE_CONFLICT) {
      throw new ConflictException(written.name() + ": re-sent write met its own commit", null);
    }
    return written;
  }

  private synchronized Fault pick(boolean write) {
    if (random.nextDouble() >= (write ? writeRate : readRate)) {
      return Fault.NONE;
    }
    injected++;
    if (!write) {
      return Fault.REFUSED_BEFORE;
    }
    Fault fault = writeFaults.get(random.nextInt(writeFaults.size()));
    if (fault != Fault.REFUSED_BEFORE) {
      lostResponses++;
    }
    return fault;
  }

  private synchronized TransientApiException transientFailure(boolean committed) {
    int kind = random.nextInt(3);
    int code = kind == 0 ? 429 : kind == 1 ? 503 : 0;
    Optional<Duration> retryAfter =
        code == 429 ? Optional.of(Duration.ofSeconds(1 + random.nextInt(2))) : Optional.empty();
    return new TransientApiException(
        "injected "
            + (code == 0 ? "timeout" : "HTTP " + code)
            + (committed ? " after the write committed" : ""),
        code,
        committed,
        retryAfter,
        null);
  }
}
