package dev.remediationstate.gc;

import dev.remediationstate.failure.ApiRefusedException;
import dev.remediationstate.store.ConflictException;
import dev.remediationstate.store.StateObject;
import dev.remediationstate.store.StateStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * An in-memory namespace of ConfigMaps that behaves as a real API server where the mock does not:
 * lists in name order honouring limit and continue, enforces resourceVersion on patches and uid +
 * resourceVersion preconditions on deletes. Faults are injected by name or by page.
 */
final class FakeConfigMaps implements ConfigMapPages, MetadataPatch, ConditionalDelete, StateStore {
  private final TreeMap<String, StateObject> objects = new TreeMap<>();
  private final Map<String, Instant> created = new LinkedHashMap<>();
  private long resourceVersion = 100;
  private int uids;
  int listCalls;
  int patches;
  int deletes;

  /** The list call (1-based) that answers 410 once; 0: none. */
  int expireListCall;

  /** Names whose next patch or delete finds the object changed since it was listed. */
  final Set<String> touchBeforeWrite = new HashSet<>();

  /** Names whose writes are refused (HTTP 403). */
  final Set<String> refuse = new HashSet<>();

  GcEdges edges() {
    return new GcEdges("ns", this, this, this, this);
  }

  void put(StateObject object, Instant createdAt) {
    StateObject stored =
        new StateObject(
            object.name(),
            object.labels(),
            object.annotations(),
            object.data(),
            object.binaryData(),
            Long.toString(++resourceVersion),
            "uid-" + (++uids));
    objects.put(object.name(), stored);
    created.put(object.name(), createdAt);
  }

  Optional<StateObject> get(String name) {
    return Optional.ofNullable(objects.get(name));
  }

  int size() {
    return objects.size();
  }

  @Override
  public Page list(String labelSelector, int limit, String continueToken) {
    listCalls++;
    if (listCalls == expireListCall) {
      throw new ListExpiredException("expired", null);
    }
    List<Listed> items = new ArrayList<>();
    Map<String, StateObject> rest =
        continueToken == null ? objects : objects.tailMap(continueToken, false);
    String last = null;
    for (StateObject o : rest.values()) {
      if (items.size() == limit) {
        return new Page(items, last);
      }
      items.add(new Listed(o, created.get(o.name())));
      last = o.name();
    }
    return new Page(items, null);
  }

  @Override
  public void patch(String name, String rv, Change change) throws ConflictException {
    patches++;
    StateObject current = current(name, rv);
    Map<String, String> labels = new LinkedHashMap<>(current.labels());
    Map<String, String> annotations = new LinkedHashMap<>(current.annotations());
    change.labels().forEach((k, v) -> setOrRemove(labels, k, v));
    change.annotations().forEach((k, v) -> setOrRemove(annotations, k, v));
    objects.put(
        name,
        new StateObject(
            name,
            labels,
            annotations,
            current.data(),
            current.binaryData(),
            Long.toString(++resourceVersion),
            current.uid()));
  }

  @Override
  public boolean delete(String name, String uid, String rv) throws ConflictException {
    deletes++;
    if (!objects.containsKey(name)) {
      return false;
    }
    StateObject current = current(name, rv);
    if (!current.uid().equals(uid)) {
      throw new ConflictException("uid differs", null);
    }
    objects.remove(name);
    return true;
  }

  private StateObject current(String name, String rv) throws ConflictException {
    if (refuse.contains(name)) {
      throw new ApiRefusedException(403, "forbidden to write configmaps/" + name, null);
    }
    if (touchBeforeWrite.remove(name)) {
      StateObject o = objects.get(name);
      objects.put(
          name,
          new StateObject(
              name,
              o.labels(),
              o.annotations(),
              o.data(),
              o.binaryData(),
              Long.toString(++resourceVersion),
              o.uid()));
    }
    StateObject current = objects.get(name);
    if (current == null) {
      throw new ApiRefusedException(404, "configmaps/" + name + " not found", null);
    }
    if (!current.resourceVersion().equals(rv)) {
      throw new ConflictException("resourceVersion " + rv + " is stale", null);
    }
    return current;
  }

  private static void setOrRemove(Map<String, String> map, String key, String value) {
    if (value == null) {
      map.remove(key);
    } else {
      map.put(key, value);
    }
  }

  @Override
  public Optional<StateObject> read(String name) {
    return get(name);
  }

  @Override
  public StateObject create(StateObject object) throws ConflictException {
    if (objects.containsKey(object.name())) {
      throw new ConflictException("exists", null);
    }
    put(object, Instant.EPOCH);
    return objects.get(object.name());
  }

  @Override
  public StateObject update(StateObject object, String expected) throws ConflictException {
    StateObject current = current(object.name(), expected);
    objects.put(
        object.name(),
        new StateObject(
            object.name(),
            object.labels(),
            object.annotations(),
            object.data(),
            object.binaryData(),
            Long.toString(++resourceVersion),
            current.uid()));
    return objects.get(object.name());
  }
}
