package dev.remediationstate.recovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remediationstate.state.StateJson;
import java.time.Instant;
import java.util.List;

/**
 * The repair journal: {@code data[}{@value #KEY}{@code ]} of the state ConfigMap, a JSON array of
 * the repairs {@code recover --repair} made, newest last, at most {@value #MAX_ENTRIES} entries.
 * Written in the same write as the repaired state; every other action keeps it as a foreign key.
 * Each entry: {@code at}, {@code source} ({@code stored}, {@code backup} or {@code readable-keys}),
 * {@code problems}, {@code actions}, {@code preserved} (the key holding the replaced {@code
 * state.json}) and {@code changed} (every key the repair added, removed or changed).
 */
public final class RepairJournal {
  public static final String KEY = dev.remediationstate.store.StoredLayout.JOURNAL_KEY;
  static final int MAX_ENTRIES = 20;

  private RepairJournal() {}

  /** The journal {@code existing} (unreadable: started afresh) with one more entry. */
  static String append(
      String existing,
      Instant at,
      String source,
      List<Problem> problems,
      List<String> actions,
      String preserved,
      List<String> changed) {
    ArrayNode journal = JsonNodeFactory.instance.arrayNode();
    if (existing != null) {
      try {
        JsonNode old = StateJson.mapper().readTree(existing);
        if (old != null && old.isArray()) {
          journal = (ArrayNode) old;
        }
      } catch (JsonProcessingException e) {
        journal = JsonNodeFactory.instance.arrayNode();
      }
    }
    ObjectNode entry = journal.addObject();
    entry.put("at", at.toString());
    entry.put("source", source);
    ArrayNode found = entry.putArray("problems");
    problems.forEach(p -> found.add(p.check() + ": " + p.detail()));
    ArrayNode done = entry.putArray("actions");
    actions.forEach(done::add);
    entry.put("preserved", preserved);
    ArrayNode keys = entry.putArray("changed");
    changed.forEach(keys::add);
    while (journal.size() > MAX_ENTRIES) {
      journal.remove(0);
    }
    return journal.toString();
  }
}
