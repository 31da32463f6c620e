package dev.remediationstate.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remediationstate.failure.InvalidStateException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Upgrades a stored {@code state.json} of an older schema, in memory, one step at a time, to schema
 * {@value RemediationState#SCHEMA_VERSION}. Nothing is written here: the next action's write stores
 * the current schema. A newer schema passes through unchanged (actions then refuse to write it;
 * {@code show} still reads it).
 *
 * <p>Schema 0 is the prototype layout, recognised by the absence of {@code schemaVersion}:
 *
 * <pre>
 * {"task": "a", "state": "new|running|approved|gave_up|halted", "round": 2, "max_rounds": 10,
 *  "created": ISO-8601, "updated": ISO-8601, "rounds": [{"round": 1, "at": ISO-8601}],
 *  "reviews": [{"round": 1, "at": ISO-8601, "verdict": "approved|changes_requested",
 *               "severity": "high", "type": "bug", "text": "...", "ref": "..."}]}
 * </pre>
 *
 * Step 0 to 1 renames the fields, maps the statuses ({@code new} to {@code initialized}, {@code
 * running} to {@code in-progress}, {@code approved} to {@code completed}, {@code gave_up} to {@code
 * exhausted}, {@code halted} to {@code stopped}), numbers the reviews {@code fb-0001}... in order,
 * gives reviews without {@code ref} the source ref {@code prototype:<n>}, and keeps unknown fields.
 * Migrated findings carry no fingerprint, so they never count towards the no-progress check.
 *
 * <p>Step 1 to 2 changes only the number: schema 2 moves the feedback history out of {@code
 * state.json} into the compressed {@code binaryData} key, and the layout still reads a schema 1
 * history from {@code state.json}; the next write stores it the schema 2 way.
 */
public final class Migrations {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** One step: upgrades a tree of schema {@code from} to schema {@code from + 1}. */
  private interface Step {
    ObjectNode apply(ObjectNode tree, String where);
  }

  private static final List<Step> STEPS = List.of(Migrations::prototypeToV1, Migrations::v1ToV2);

  private Migrations() {}

  /** The schema of a stored tree: its {@code schemaVersion}, or 0 when absent. */
  public static int version(ObjectNode tree) {
    JsonNode v = tree.get("schemaVersion");
    if (v == null) {
      return 0;
    }
    if (!v.canConvertToInt()) {
      return -1;
    }
    return v.asInt();
  }

  public static ObjectNode upgrade(ObjectNode tree, String where) {
    int version = version(tree);
    if (version < 0) {
      throw new InvalidStateException(
          where + ": state.json has a schemaVersion that is not a number");
    }
    ObjectNode current = tree;
    while (version < STEPS.size()) {
      current = STEPS.get(version).apply(current, where);
      version++;
    }
    return current;
  }

  private static final Map<String, String> PROTOTYPE_STATUS =
      Map.of(
          "new", "initialized",
          "running", "in-progress",
          "approved", "completed",
          "gave_up", "exhausted",
          "halted", "stopped");

  private static final Set<String> PROTOTYPE_FIELDS =
      Set.of("task", "state", "round", "max_rounds", "created", "updated", "rounds", "reviews");

  private static ObjectNode v1ToV2(ObjectNode v1, String where) {
    ObjectNode v2 = v1.deepCopy();
    v2.put("schemaVersion", 2);
    return v2;
  }

  private static ObjectNode prototypeToV1(ObjectNode old, String where) {
    String at = where + ": state.json (schema 0) ";
    ObjectNode v1 = JSON.objectNode();
    v1.put("schemaVersion", 1);
    v1.set("taskId", required(old, "task", at));
    String status = required(old, "state", at).asText();
    String mapped = PROTOTYPE_STATUS.get(status);
    if (mapped == null) {
      throw new InvalidStateException(at + "has state '" + Printable.escape(status, 40) + "'");
    }
    v1.put("status", mapped);
    v1.set("iteration", required(old, "round", at));
    v1.set("maxIterations", required(old, "max_rounds", at));
    v1.set("createdAt", required(old, "created", at));
    v1.set("lastUpdate", required(old, "updated", at));
    ArrayNode iterations = v1.putArray("iterations");
    for (JsonNode round : array(old, "rounds", at)) {
      ObjectNode record = iterations.addObject();
      record.set("number", round.get("round"));
      record.set("startedAt", round.get("at"));
      record.put("requestId", "migrated-from-schema-0");
    }
    ArrayNode feedback = v1.putArray("feedback");
    int n = 0;
    for (JsonNode review : array(old, "reviews", at)) {
      n++;
      ObjectNode entry = feedback.addObject();
      entry.put("id", String.format("fb-%04d", n));
      entry.set("iteration", review.get("round"));
      entry.set("receivedAt", review.get("at"));
      entry.put("author", "prototype");
      JsonNode ref = review.get("ref");
      entry.put("sourceRef", ref != null && ref.isTextual() ? ref.asText() : "prototype:" + n);
      JsonNode verdict = review.get("verdict");
      entry.put("verdict", verdict == null ? null : verdict.asText().replace('_', '-'));
      copy(review, "severity", entry, "severity");
      copy(review, "type", entry, "issueType");
      copy(review, "text", entry, "description");
    }
    v1.put("feedbackSequence", n);
    for (Iterator<Map.Entry<String, JsonNode>> it = old.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!PROTOTYPE_FIELDS.contains(field.getKey()) && !v1.has(field.getKey())) {
        v1.set(field.getKey(), field.getValue());
      }
    }
    return v1;
  }

  private static JsonNode required(ObjectNode tree, String field, String at) {
    JsonNode value = tree.get(field);
    if (value == null || value.isNull()) {
      throw new InvalidStateException(at + "has no '" + field + "'");
    }
    return value;
  }

  private static Iterable<JsonNode> array(ObjectNode tree, String field, String at) {
    JsonNode value = tree.get(field);
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw new InvalidStateException(at + "has a '" + field + "' that is not an array");
    }
    for (JsonNode item : value) {
      if (!item.isObject()) {
        throw new InvalidStateException(at + "has a '" + field + "' entry that is not an object");
      }
    }
    return value;
  }

  private static void copy(JsonNode from, String field, ObjectNode to, String as) {
    JsonNode value = from.get(field);
    if (value != null && !value.isNull()) {
      to.set(as, value);
    }
  }
}
