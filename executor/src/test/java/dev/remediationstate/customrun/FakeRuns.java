package dev.remediationstate.customrun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An in-memory informer cache and status subresource: writes check the resourceVersion, bump it,
 * and (unless {@code staleCache}) show in the cache at once; conflicts can be injected.
 */
final class FakeRuns implements RunSource, StatusWriter {
  private final Map<String, ObjectNode> runs = new LinkedHashMap<>();
  final List<ObjectNode> writes = new ArrayList<>();
  private Consumer<String> changed = key -> {};
  int conflictsToInject;
  boolean staleCache;
  private long version = 100;

  synchronized void put(ObjectNode run) {
    String key =
        run.path("metadata").path("namespace").asText()
            + "/"
            + run.path("metadata").path("name").asText();
    runs.put(key, run);
    changed.accept(key);
  }

  synchronized ObjectNode status(String key) {
    return (ObjectNode) runs.get(key).path("status");
  }

  @Override
  public void start(Consumer<String> changed) {
    this.changed = changed;
  }

  @Override
  public boolean synced() {
    return true;
  }

  @Override
  public synchronized Optional<JsonNode> get(String key) {
    return Optional.ofNullable(runs.get(key)).map(ObjectNode::deepCopy);
  }

  @Override
  public synchronized List<String> keys() {
    return new ArrayList<>(runs.keySet());
  }

  @Override
  public void stop() {}

  @Override
  public synchronized Written write(JsonNode run, ObjectNode status) {
    String key =
        run.path("metadata").path("namespace").asText()
            + "/"
            + run.path("metadata").path("name").asText();
    ObjectNode current = runs.get(key);
    if (current == null) {
      return Written.GONE;
    }
    if (conflictsToInject > 0) {
      conflictsToInject--;
      return Written.CONFLICT;
    }
    String read = run.path("metadata").path("resourceVersion").asText();
    String stored = current.path("metadata").path("resourceVersion").asText();
    if (!read.equals(stored)) {
      return Written.CONFLICT;
    }
    writes.add(status.deepCopy());
    if (!staleCache) {
      ObjectNode next = current.deepCopy();
      next.set("status", status.deepCopy());
      ((ObjectNode) next.get("metadata")).put("resourceVersion", Long.toString(++version));
      runs.put(key, next);
    }
    return Written.WRITTEN;
  }
}
