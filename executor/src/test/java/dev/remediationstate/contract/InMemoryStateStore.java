package dev.remediationstate.contract;

import dev.remediationstate.store.ConflictException;
import dev.remediationstate.store.StateObject;
import dev.remediationstate.store.StateStore;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A ConfigMap store in memory with the API server's check-and-set: create fails on an existing
 * name, update fails unless it carries the stored resourceVersion. Records the API verb each call
 * needs, so the Role can be checked against what the executor really does.
 */
final class InMemoryStateStore implements StateStore {
  private final Map<String, StateObject> objects = new HashMap<>();
  private final Set<String> verbs = new LinkedHashSet<>();
  private long nextVersion = 1;

  @Override
  public Optional<StateObject> read(String name) {
    verbs.add("get");
    return Optional.ofNullable(objects.get(name));
  }

  @Override
  public StateObject create(StateObject object) throws ConflictException {
    verbs.add("create");
    if (objects.containsKey(object.name())) {
      throw new ConflictException("configmap/" + object.name() + " already exists", null);
    }
    return store(object);
  }

  @Override
  public StateObject update(StateObject object, String expectedResourceVersion)
      throws ConflictException {
    verbs.add("update");
    StateObject stored = objects.get(object.name());
    if (stored == null || !stored.resourceVersion().equals(expectedResourceVersion)) {
      throw new ConflictException("configmap/" + object.name() + " changed", null);
    }
    return store(object);
  }

  /** The API verbs the calls so far needed on configmaps. */
  Set<String> verbs() {
    return verbs;
  }

  private StateObject store(StateObject object) {
    StateObject stored =
        new StateObject(
            object.name(),
            object.labels(),
            object.annotations(),
            object.data(),
            object.binaryData(),
            Long.toString(nextVersion++),
            "uid-" + object.name());
    objects.put(object.name(), stored);
    return stored;
  }
}
