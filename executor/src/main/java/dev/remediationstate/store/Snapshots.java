package dev.remediationstate.store;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The state objects a long-running process last read or wrote, per namespace and name, so that the
 * first attempt of a {@link Transaction} can start from one instead of a GET. A snapshot is only
 * ever a guess: the write it leads to carries the snapshot's resourceVersion, so the API server
 * takes it only if nothing changed since, and any other outcome (a conflict, a change that writes
 * nothing, a failure) makes the transaction read afresh. A one-shot CLI process has none.
 *
 * <p>Least recently used objects go first once the total {@link StateObject#apiSize()} passes the
 * bound; an object larger than a quarter of the bound is never kept.
 */
public final class Snapshots {
  private final long maxBytes;
  private final LinkedHashMap<String, StateObject> objects = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;

  public Snapshots(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The store of {@code namespace}, recording every object it reads or writes here. */
  public StateStore recording(String namespace, StateStore store) {
    return new Recording(namespace, store);
  }

  /** The snapshots of {@code namespace} by name, for {@link Transaction}. */
  public Function<String, Optional<StateObject>> in(String namespace) {
    return name -> get(key(namespace, name));
  }

  synchronized int size() {
    return objects.size();
  }

  synchronized long bytes() {
    return bytes;
  }

  private synchronized Optional<StateObject> get(String key) {
    return Optional.ofNullable(objects.get(key));
  }

  private synchronized void put(String key, StateObject object) {
    forget(key);
    long size = object.apiSize();
    if (object.resourceVersion() == null || size > maxBytes / 4) {
      return;
    }
    objects.put(key, object);
    bytes += size;
    Iterator<Map.Entry<String, StateObject>> eldest = objects.entrySet().iterator();
    while (bytes > maxBytes && eldest.hasNext()) {
      bytes -= eldest.next().getValue().apiSize();
      eldest.remove();
    }
  }

  private synchronized void forget(String key) {
    StateObject old = objects.remove(key);
    if (old != null) {
      bytes -= old.apiSize();
    }
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  /** Passes every call through and keeps the snapshot in step with what the server said. */
  private final class Recording implements StateStore {
    private final String namespace;
    private final StateStore store;

    Recording(String namespace, StateStore store) {
      this.namespace = namespace;
      this.store = store;
    }

    @Override
    public Optional<StateObject> read(String name) {
      String key = key(namespace, name);
      try {
        Optional<StateObject> read = store.read(name);
        read.ifPresentOrElse(o -> put(key, o), () -> forget(key));
        return read;
      } catch (RuntimeException e) {
        forget(key);
        throw e;
      }
    }

    @Override
    public StateObject create(StateObject object) throws ConflictException {
      return written(object.name(), () -> store.create(object));
    }

    @Override
    public StateObject update(StateObject object, String expectedResourceVersion)
        throws ConflictException {
      return written(object.name(), () -> store.update(object, expectedResourceVersion));
    }

    private StateObject written(String name, Write write) throws ConflictException {
      String key = key(namespace, name);
      try {
        StateObject stored = write.run();
        put(key, stored);
        return stored;
      } catch (ConflictException | RuntimeException e) {
        forget(key);
        throw e;
      }
    }
  }

  @FunctionalInterface
  private interface Write {
    StateObject run() throws ConflictException;
  }
}
