package dev.remediationstate.store;

import dev.remediationstate.failure.InvalidInputException;
import dev.remediationstate.failure.InvalidStateException;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.StateJson;
import dev.remediationstate.state.TaskId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The ConfigMap layout of a task's state (schema 1), documented in the README:
 *
 * <ul>
 *   <li>name {@code task-{id}-state};
 *   <li>labels {@value #LABEL_NAME}, {@value #LABEL_MANAGED_BY}, {@value #LABEL_TASK_ID}, {@value
 *       #LABEL_STATUS};
 *   <li>annotation {@value #ANNOTATION_SCHEMA};
 *   <li>{@code data}: {@value #KEY_STATE} (the source of truth) and the human-readable copies
 *       {@value #KEY_ITERATION}, {@value #KEY_STATUS}, {@value #KEY_TASK_ID}, {@value
 *       #KEY_LAST_UPDATE}.
 * </ul>
 *
 * <p>Encoding keeps every label, annotation, {@code data} and {@code binaryData} key it does not
 * own, so keys added by people, other tools or newer executors survive a rewrite.
 */
public final class StateConfigMap {
  public static final String LABEL_NAME = "app.kubernetes.io/name";
  public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String LABEL_TASK_ID = "remediation-state.dev/task-id";
  public static final String LABEL_STATUS = "remediation-state.dev/status";
  public static final String ANNOTATION_SCHEMA = "remediation-state.dev/schema-version";
  public static final String APP = "remediation-state";

  public static final String KEY_STATE = "state.json";
  public static final String KEY_ITERATION = "iteration";
  public static final String KEY_STATUS = "status";
  public static final String KEY_TASK_ID = "task_id";
  public static final String KEY_LAST_UPDATE = "last_update";

  /** The API server's limit on the summed value sizes of a ConfigMap. */
  public static final long API_LIMIT = 1_048_576;
  /** Headroom kept below the limit for the human-readable keys and foreign keys. */
  public static final long SAFETY_MARGIN = 16 * 1024;
  public static final long BUDGET = API_LIMIT - SAFETY_MARGIN;

  private StateConfigMap() {}


  public static String name(TaskId taskId) {
    return taskId.configMapName();
  }

  /** The label selector matching every state ConfigMap. */
  public static String selector() {
    return LABEL_NAME + "=" + APP + "," + LABEL_MANAGED_BY + "=" + APP;
  }

  /**
   * Reads the state out of a stored object, refusing anything that is not a sound state of this
   * task.
   */
  public static RemediationState decode(StateObject object, TaskId taskId) {
    String where = "configmap/" + object.name();
    String json = object.data().get(KEY_STATE);
    if (json == null) {
      throw new InvalidStateException(where + ": has no " + KEY_STATE + " key");
    }
    RemediationState state = StateJson.read(json, where);
    if (!taskId.value().equals(state.taskId())) {
      throw new InvalidStateException(
          where + ": holds task '" + state.taskId() + "', expected '" + taskId + "'");
    }
    return state;
  }

  /** Refuses to let this executor rewrite a state written by a newer schema. */
  public static void requireWritable(RemediationState state, String name) {
    if (state.schemaVersion() > RemediationState.SCHEMA_VERSION) {
      throw new InvalidStateException(
          "configmap/" + name + ": written by schema " + state.schemaVersion()
              + "; this executor writes schema " + RemediationState.SCHEMA_VERSION
              + ": upgrade the image; nothing was written");
    }
  }

  /**
   * Lays out {@code state} over {@code previous} (keeping foreign keys), within the budget, and
   * keeps the {@code state.json} it replaces as the {@link StateBackup} when that fits too.
   */
  public static StateObject encode(RemediationState state, Optional<StateObject> previous) {
    return encode(state, previous, previous.map(p -> p.data().get(KEY_STATE)));
  }

  /**
   * As {@link #encode(RemediationState, Optional)}, with the copy to keep as the backup given
   * explicitly: {@code recover} keeps the last good copy rather than the corrupt one it replaces.
   */
  public static StateObject encode(
      RemediationState state, Optional<StateObject> previous, Optional<String> backup) {
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, String> annotations = new LinkedHashMap<>();
    Map<String, String> data = new LinkedHashMap<>();
    Map<String, byte[]> binaryData = new LinkedHashMap<>();
    previous.ifPresent(
        p -> {
          labels.putAll(p.labels());
          annotations.putAll(p.annotations());
          data.putAll(p.data());
          binaryData.putAll(p.binaryData());
        });
    labels.put(LABEL_NAME, APP);
    labels.put(LABEL_MANAGED_BY, APP);
    labels.put(LABEL_TASK_ID, state.taskId());
    labels.put(LABEL_STATUS, state.status().value());
    annotations.put(ANNOTATION_SCHEMA, Integer.toString(state.schemaVersion()));
    binaryData.remove(StateBackup.KEY);
    data.put(KEY_STATE, StateJson.write(state));
    data.put(KEY_ITERATION, Integer.toString(state.iteration()));
    data.put(KEY_STATUS, state.status().value());
    data.put(KEY_TASK_ID, state.taskId());
    data.put(KEY_LAST_UPDATE, state.lastUpdate().toString());
    String name = "task-" + state.taskId() + "-state";
    StateObject object =
        new StateObject(
            name,
            labels,
            annotations,
            data,
            binaryData,
            previous.map(StateObject::resourceVersion).orElse(null),
            previous.map(StateObject::uid).orElse(null));
    long size = object.apiSize();
    if (size > BUDGET) {
      throw new InvalidInputException(
          "state",
          "configmap/" + name + " would hold " + size + " bytes, over the budget of " + BUDGET
              + " bytes; nothing was written");
    }
    StateBackup.attach(binaryData, backup, size, BUDGET);
    return new StateObject(
        object.name(),
        object.labels(),
        object.annotations(),
        object.data(),
        binaryData,
        object.resourceVersion(),
        object.uid());
  }
}
