package dev.remediationstate.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one in-memory StateStore of the tests, with the API server's compare-and-set semantics:
 * create fails when the name exists, update fails unless it carries the stored resourceVersion (and
 * a missing one is an error: on a real cluster it would be a lost update). It records every write
 * attempt, every object it stored, and the API verbs the calls needed; and it can inject conflicts:
 * before each of the next {@code n} writes, another writer changes (or creates) the object.
 */
public final class FakeStateStore implements StateStore {
  /** One write as the server received it. */
  public record Write(String verb, StateObject object, String expectedResourceVersion) {}

  private final Map<String, StateObject> objects = new LinkedHashMap<>();
  private final List<Write> writes = new ArrayList<>();
  private final List<StateObject> stored = new ArrayList<>();
  private final Set<String> verbs = new LinkedHashSet<>();
  private long version;
  private int conflictsToInject;
  private int reads;

  /** Stores {@code object} as is, as a person with kubectl would; returns it as stored. */
  public synchronized StateObject put(StateObject object) {
    StateObject current = objects.get(object.name());
    return store(object, current == null ? null : current.uid());
  }

  public synchronized Optional<StateObject> get(String name) {
    return Optional.ofNullable(objects.get(name));
  }

  public synchronized Map<String, StateObject> objects() {
    return Map.copyOf(objects);
  }

  /** The next {@code n} writes meet a concurrent change and fail with 409. */
  public synchronized void injectConflicts(int n) {
    conflictsToInject = n;
  }

  /** Every create and update attempt, committed or not. */
  public synchronized List<Write> writes() {
    return List.copyOf(writes);
  }

  /** Every object stored (by create, update or {@link #put}), as stored, oldest first. */
  public synchronized List<StateObject> stored() {
    return List.copyOf(stored);
  }

  /** The Kubernetes verbs the calls so far needed: get, create, update. */
  public synchronized Set<String> verbs() {
    return Set.copyOf(verbs);
  }

  public synchronized int reads() {
    return reads;
  }

  @Override
  public synchronized Optional<StateObject> read(String name) {
    reads++;
    verbs.add("get");
    return Optional.ofNullable(objects.get(name));
  }

  @Override
  public synchronized StateObject create(StateObject object) throws ConflictException {
    writes.add(new Write("create", object, null));
    verbs.add("create");
    if (conflictsToInject > 0) {
      conflictsToInject--;
      store(object, null);
      throw new ConflictException("injected: created concurrently", null);
    }
    if (objects.containsKey(object.name())) {
      throw new ConflictException(object.name() + " already exists", null);
    }
    return store(object, null);
  }

  @Override
  public synchronized StateObject update(StateObject object, String expectedResourceVersion)
      throws ConflictException {
    writes.add(new Write("update", object, expectedResourceVersion));
    verbs.add("update");
    if (expectedResourceVersion == null) {
      throw new AssertionError("update without a resourceVersion: a lost update on a real cluster");
    }
    StateObject current = objects.get(object.name());
    if (current == null) {
      throw new ConflictException(object.name() + " does not exist", null);
    }
    if (conflictsToInject > 0) {
      conflictsToInject--;
      store(current, current.uid());
      throw new ConflictException("injected: changed concurrently", null);
    }
    if (!current.resourceVersion().equals(expectedResourceVersion)) {
      throw new ConflictException("stale resourceVersion " + expectedResourceVersion, null);
    }
    return store(object, current.uid());
  }

  private StateObject store(StateObject o, String uid) {
    StateObject result =
        new StateObject(
            o.name(),
            o.labels(),
            o.annotations(),
            o.data(),
            o.binaryData(),
            Long.toString(++version),
            uid != null ? uid : o.uid() != null ? o.uid() : "uid-" + o.name());
    objects.put(o.name(), result);
    stored.add(result);
    return result;
  }
}
