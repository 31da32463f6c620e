package dev.remediationstate.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A hand-written store with the API server's optimistic locking: create fails with 409 when the
 * name exists, update fails with 409 unless the resourceVersion matches. Thread-safe; counts
 * committed writes.
 */
public final class InMemoryStateStore implements StateStore {
  private final Map<String, StateObject> objects = new LinkedHashMap<>();
  private long version = 0;
  private int writes = 0;

  @Override
  public synchronized Optional<StateObject> read(String name) {
    return Optional.ofNullable(objects.get(name));
  }

  @Override
  public synchronized StateObject create(StateObject object) throws ConflictException {
    if (objects.containsKey(object.name())) {
      throw new ConflictException(object.name() + " already exists", null);
    }
    return commit(object, "uid-" + object.name());
  }

  @Override
  public synchronized StateObject update(StateObject object, String expectedResourceVersion)
      throws ConflictException {
    StateObject current = objects.get(object.name());
    if (current == null || !current.resourceVersion().equals(expectedResourceVersion)) {
      throw new ConflictException(object.name() + " changed since read", null);
    }
    return commit(object, current.uid());
  }

  /** Stores {@code object} as is, like {@code kubectl apply} by a person would. */
  public synchronized StateObject put(StateObject object) {
    StateObject current = objects.get(object.name());
    return commit(object, current == null ? "uid-" + object.name() : current.uid());
  }

  public synchronized int writes() {
    return writes;
  }

  private StateObject commit(StateObject object, String uid) {
    version++;
    writes++;
    StateObject stored =
        new StateObject(
            object.name(),
            object.labels(),
            object.annotations(),
            object.data(),
            object.binaryData(),
            Long.toString(version),
            uid);
    objects.put(object.name(), stored);
    return stored;
  }
}
