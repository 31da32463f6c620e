package dev.remediationstate.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A hand-written state store: objects by name, resourceVersions from a counter, 409 on a stale
 * update or an existing name, exactly like the API server. Records every write it accepted.
 */
public final class InMemoryStore implements StateStore {
  private final Map<String, StateObject> objects = new TreeMap<>();
  private final List<StateObject> writes = new ArrayList<>();
  private long version;

  @Override
  public synchronized Optional<StateObject> read(String name) {
    return Optional.ofNullable(objects.get(name));
  }

  @Override
  public synchronized StateObject create(StateObject object) throws ConflictException {
    if (objects.containsKey(object.name())) {
      throw new ConflictException(object.name() + " exists", null);
    }
    return put(object, "uid-" + object.name());
  }

  @Override
  public synchronized StateObject update(StateObject object, String expectedResourceVersion)
      throws ConflictException {
    StateObject current = objects.get(object.name());
    if (current == null || !current.resourceVersion().equals(expectedResourceVersion)) {
      throw new ConflictException(object.name() + " changed", null);
    }
    return put(object, current.uid());
  }

  private StateObject put(StateObject object, String uid) {
    StateObject stored =
        new StateObject(
            object.name(),
            object.labels(),
            object.annotations(),
            object.data(),
            object.binaryData(),
            Long.toString(++version),
            uid);
    objects.put(object.name(), stored);
    writes.add(stored);
    return stored;
  }

  public synchronized List<StateObject> writes() {
    return List.copyOf(writes);
  }

  public synchronized Map<String, StateObject> objects() {
    return Map.copyOf(objects);
  }
}
