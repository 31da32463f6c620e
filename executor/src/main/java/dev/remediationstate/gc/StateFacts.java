package dev.remediationstate.gc;

import dev.remediationstate.failure.RemediationException;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.StateJson;
import dev.remediationstate.store.StateConfigMap;
import dev.remediationstate.store.StateObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * What gc needs to know about one state ConfigMap, read cheaply from the human-readable keys and
 * annotations; {@code state.json} is parsed only when a decision depends on it (the last update is
 * missing, or the state expired and is about to be marked or deleted).
 *
 * <p>The last update is, in order: the {@code last_update} key, {@code lastUpdate} in {@code
 * state.json}, the creation time. Not thread-safe; one instance per object per run.
 */
final class StateFacts {
  private final Listed listed;
  private Optional<String> problem;
  private RemediationState parsed;

  StateFacts(Listed listed) {
    this.listed = listed;
  }

  StateObject object() {
    return listed.object();
  }

  /** The status value as stored ({@code unknown} when absent). */
  String status() {
    return object().data().getOrDefault(StateConfigMap.KEY_STATUS, "unknown");
  }

  /** The iteration as stored, or -1 when absent or not a number. */
  int iteration() {
    try {
      return Integer.parseInt(object().data().getOrDefault(StateConfigMap.KEY_ITERATION, ""));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The schema the annotation claims, or 0 when absent or not a number. */
  int annotatedSchema() {
    try {
      return Integer.parseInt(
          object().annotations().getOrDefault(StateConfigMap.ANNOTATION_SCHEMA, ""));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  boolean protectedByAnnotation() {
    return "true".equals(object().annotations().get(GcRules.ANNOTATION_PROTECT));
  }

  /** The last update; empty only when no key, no readable state and no creation time exist. */
  Optional<Instant> lastUpdate() {
    String key = object().data().get(StateConfigMap.KEY_LAST_UPDATE);
    if (key != null) {
      try {
        return Optional.of(Instant.parse(key));
      } catch (DateTimeParseException e) {
        // fall through to state.json
      }
    }
    if (problem().isEmpty()) {
      return Optional.ofNullable(parsed.lastUpdate())
          .or(() -> Optional.ofNullable(listed.created()));
    }
    return Optional.ofNullable(listed.created());
  }

  /**
   * Why the state cannot be trusted, if it cannot: {@code state.json} missing, unreadable,
   * inconsistent, of another task, or written by a newer schema.
   */
  Optional<String> problem() {
    if (problem == null) {
      problem = readProblem();
    }
    return problem;
  }

  /** Whether the state (annotation or state.json) was written by a newer schema than this one. */
  boolean newerSchema() {
    return annotatedSchema() > RemediationState.SCHEMA_VERSION
        || (problem().isEmpty() && parsed.schemaVersion() > RemediationState.SCHEMA_VERSION);
  }

  private Optional<String> readProblem() {
    String json = object().data().get(StateConfigMap.KEY_STATE);
    String where = "configmap/" + object().name();
    if (json == null) {
      return Optional.of(where + ": has no " + StateConfigMap.KEY_STATE + " key");
    }
    try {
      parsed = StateJson.read(json, where);
    } catch (RemediationException e) {
      return Optional.of(e.getMessage());
    }
    if (!object().name().equals("task-" + parsed.taskId() + "-state")) {
      return Optional.of(where + ": holds task '" + parsed.taskId() + "'");
    }
    return Optional.empty();
  }
}
