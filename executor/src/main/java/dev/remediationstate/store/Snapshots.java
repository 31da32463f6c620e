package dev.remediationstate.store;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * The state objects a long-running process last read or wrote, per namespace and name, so that the
 * first attempt of a {@link Transaction} can start from one instead of a GET. A snapshot is only
 * ever a guess: the write it leads to carries the snapshot's resourceVersion, so the API server
 * takes it only if nothing changed since, and any other outcome (a conflict, a change that writes
 * nothing, a failure) makes the transaction read afresh. A one-shot CLI process has none.
 *
 * <p>Only {@link Transaction} records here, and only the object it runs on (never archive pages).
 * Each entry is charged its {@link StateObject#apiSize()} plus {@value #ENTRY_OVERHEAD} bytes for
 * its key, metadata and map entry; least recently used entries go first once the charge passes the
 * bound, and an object over a quarter of the bound is never kept.
 */
public final class Snapshots {
  static final long ENTRY_OVERHEAD = 1024;

  /** The snapshots of one namespace, by object name. */
  public interface Scope {
    Optional<StateObject> get(String name);

    void put(String name, StateObject object);

    void forget(String name);
  }

  /** No snapshots: every attempt reads. */
  public static final Scope NONE =
      new Scope() {
        @Override
        public Optional<StateObject> get(String name) {
          return Optional.empty();
        }

        @Override
        public void put(String name, StateObject object) {}

        @Override
        public void forget(String name) {}
      };

  private record Entry(StateObject object, long charge) {}

  private final long maxBytes;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;

  public Snapshots(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  public Scope in(String namespace) {
    return new Scope() {
      @Override
      public Optional<StateObject> get(String name) {
        return Snapshots.this.get(key(namespace, name));
      }

      @Override
      public void put(String name, StateObject object) {
        Snapshots.this.put(key(namespace, name), object);
      }

      @Override
      public void forget(String name) {
        Snapshots.this.forget(key(namespace, name));
      }
    };
  }

  synchronized int size() {
    return entries.size();
  }

  synchronized long bytes() {
    return bytes;
  }

  private synchronized Optional<StateObject> get(String key) {
    Entry entry = entries.get(key);
    return entry == null ? Optional.empty() : Optional.of(entry.object());
  }

  private void put(String key, StateObject object) {
    // Sized outside the lock: apiSize walks every value.
    long charge = object.apiSize() + ENTRY_OVERHEAD;
    synchronized (this) {
      forget(key);
      if (object.resourceVersion() == null || charge > maxBytes / 4) {
        return;
      }
      entries.put(key, new Entry(object, charge));
      bytes += charge;
      Iterator<Entry> eldest = entries.values().iterator();
      while (bytes > maxBytes && eldest.hasNext()) {
        bytes -= eldest.next().charge();
        eldest.remove();
      }
    }
  }

  private synchronized void forget(String key) {
    Entry old = entries.remove(key);
    if (old != null) {
      bytes -= old.charge();
    }
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
