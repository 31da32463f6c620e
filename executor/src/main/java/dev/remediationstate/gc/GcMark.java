package dev.remediationstate.gc;

import static dev.remediationstate.store.StateConfigMap.ANNOTATION_GC_DELETE_AFTER;
import static dev.remediationstate.store.StateConfigMap.ANNOTATION_GC_MARKED_AT;
import static dev.remediationstate.store.StateConfigMap.LABEL_GC_MARKED;

import dev.remediationstate.store.StateObject;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The soft-delete mark gc puts on an expired object: label {@code
 * remediation-state.dev/gc-marked=true} and annotations {@code gc-marked-at} and {@code
 * gc-delete-after} (ISO-8601 instants). Every write of a state by an action drops it (see {@code
 * StateConfigMap.encode}).
 */
record GcMark(Instant markedAt, Instant deleteAfter) {
  /**
   * The object's mark; empty when unmarked, or when the mark is unreadable (it is then renewed).
   */
  static Optional<GcMark> of(StateObject object) {
    if (!present(object)) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new GcMark(
              Instant.parse(annotation(object, ANNOTATION_GC_MARKED_AT)),
              Instant.parse(annotation(object, ANNOTATION_GC_DELETE_AFTER))));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static String annotation(StateObject object, String key) {
    String value = object.annotations().get(key);
    return value == null ? "" : value;
  }

  /** Whether any part of a mark is on the object. */
  static boolean present(StateObject object) {
    return object.labels().get(LABEL_GC_MARKED) != null
        || object.annotations().get(ANNOTATION_GC_MARKED_AT) != null
        || object.annotations().get(ANNOTATION_GC_DELETE_AFTER) != null;
  }

  /** The metadata patch that marks an object now, to delete after {@code grace}. */
  static MetadataPatch.Change mark(Instant now, Duration grace) {
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, String> annotations = new LinkedHashMap<>();
    labels.put(LABEL_GC_MARKED, "true");
    annotations.put(ANNOTATION_GC_MARKED_AT, now.toString());
    annotations.put(ANNOTATION_GC_DELETE_AFTER, now.plus(grace).toString());
    return new MetadataPatch.Change(labels, annotations);
  }

  /** The metadata patch that removes the mark (null values remove a key). */
  static MetadataPatch.Change clear() {
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, String> annotations = new LinkedHashMap<>();
    labels.put(LABEL_GC_MARKED, null);
    annotations.put(ANNOTATION_GC_MARKED_AT, null);
    annotations.put(ANNOTATION_GC_DELETE_AFTER, null);
    return new MetadataPatch.Change(labels, annotations);
  }
}
