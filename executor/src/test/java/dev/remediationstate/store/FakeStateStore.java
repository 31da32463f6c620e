package dev.remediationstate.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An in-memory StateStore with the API server's compare-and-set semantics: create fails when the
 * name exists, update fails when the resourceVersion differs. It can inject conflicts: before each
 * of the next {@code n} writes, another writer bumps the object (or creates it).
 */
public final class FakeStateStore implements StateStore {
  /** One write as the server received it. */
  public record Write(String verb, StateObject object, String expectedResourceVersion) {}

  private final Map<String, StateObject> objects = new LinkedHashMap<>();
  private final List<Write> writes = new ArrayList<>();
  private long version = 100;
  private int conflictsToInject;
  private int reads;

  public synchronized void put(StateObject object) {
    objects.put(object.name(), withVersion(object, ++version));
  }

  public synchronized Optional<StateObject> get(String name) {
    return Optional.ofNullable(objects.get(name));
  }

  /** The next {@code n} writes meet a concurrent change and fail with 409. */
  public synchronized void injectConflicts(int n) {
    conflictsToInject = n;
  }

  public synchronized List<Write> writes() {
    return List.copyOf(writes);
  }

  public synchronized int reads() {
    return reads;
  }

  @Override
  public synchronized Optional<StateObject> read(String name) {
    reads++;
    return Optional.ofNullable(objects.get(name));
  }

  @Override
  public synchronized StateObject create(StateObject object) throws ConflictException {
    writes.add(new Write("create", object, null));
    if (conflictsToInject > 0) {
      conflictsToInject--;
      objects.put(object.name(), withVersion(object, ++version));
      throw new ConflictException("injected: created concurrently", null);
    }
    if (objects.containsKey(object.name())) {
      throw new ConflictException(object.name() + " already exists", null);
    }
    StateObject stored = withVersion(object, ++version);
    objects.put(object.name(), stored);
    return stored;
  }

  @Override
  public synchronized StateObject update(StateObject object, String expectedResourceVersion)
      throws ConflictException {
    writes.add(new Write("update", object, expectedResourceVersion));
    if (expectedResourceVersion == null) {
      throw new AssertionError("update without a resourceVersion: a lost update on a real cluster");
    }
    StateObject current = objects.get(object.name());
    if (current == null) {
      throw new IllegalStateException("update of a missing object " + object.name());
    }
    if (conflictsToInject > 0) {
      conflictsToInject--;
      objects.put(current.name(), withVersion(current, ++version));
      throw new ConflictException("injected: changed concurrently", null);
    }
    if (!current.resourceVersion().equals(expectedResourceVersion)) {
      throw new ConflictException("stale resourceVersion " + expectedResourceVersion, null);
    }
    StateObject stored = withVersion(object, ++version);
    objects.put(object.name(), stored);
    return stored;
  }

  private static StateObject withVersion(StateObject o, long version) {
    return new StateObject(
        o.name(),
        o.labels(),
        o.annotations(),
        o.data(),
        o.binaryData(),
        Long.toString(version),
        o.uid() == null ? "uid-" + o.name() : o.uid());
  }
}
