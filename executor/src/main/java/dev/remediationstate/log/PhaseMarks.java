package dev.remediationstate.log;

import dev.remediationstate.store.ConflictException;
import dev.remediationstate.store.StateObject;
import dev.remediationstate.store.StateStore;
import java.time.Instant;
import java.util.Optional;

/**
 * Start-up phase marks for the benchmark ({@code executor/bench/https_bench.py}): with {@code
 * RS_PHASES} set, each mark writes one line {@code rs-phase NAME EPOCH_NANOS} to stderr, which the
 * benchmark subtracts from the time it started the process. Without it a mark is one map lookup.
 */
public final class PhaseMarks {
  private static final boolean ON = System.getenv("RS_PHASES") != null;

  private PhaseMarks() {}

  public static void mark(String phase) {
    if (ON) {
      Instant now = Instant.now();
      System.err.println(
          "rs-phase " + phase + " " + (now.getEpochSecond() * 1_000_000_000L + now.getNano()));
    }
  }

  /** The store, marking the end of each read and write when marks are on. */
  public static StateStore marking(StateStore store) {
    if (!ON) {
      return store;
    }
    return new StateStore() {
      @Override
      public Optional<StateObject> read(String name) {
        Optional<StateObject> read = store.read(name);
        mark("get");
        return read;
      }

      @Override
      public StateObject create(StateObject object) throws ConflictException {
        StateObject created = store.create(object);
        mark("post");
        return created;
      }

      @Override
      public StateObject update(StateObject object, String expectedResourceVersion)
          throws ConflictException {
        StateObject updated = store.update(object, expectedResourceVersion);
        mark("put");
        return updated;
      }
    };
  }
}
