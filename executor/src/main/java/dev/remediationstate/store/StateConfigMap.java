package dev.remediationstate.store;

import dev.remediationstate.failure.InvalidInputException;
import dev.remediationstate.failure.InvalidStateException;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.StateInvariants;
import dev.remediationstate.state.StateJson;
import dev.remediationstate.state.TaskId;
import java.util.LinkedHashMap;
import java.util.List;
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
 *       #KEY_LAST_UPDATE};
 *   <li>{@code binaryData}: {@value #KEY_FEEDBACK}, the live feedback history compressed by {@link
 *       FeedbackCodec} ({@code state.json} then holds {@code "feedback": []} and the index of the
 *       archive pages). States written before schema 2 hold the feedback inside {@code state.json}
 *       and are still read.
 * </ul>
 *
 * <p>Encoding keeps every label, annotation, {@code data} and {@code binaryData} key it does not
 * own, so keys added by people, other tools or newer executors survive a rewrite. The one exception
 * is the gc mark ({@value #LABEL_GC_MARKED}, {@value #ANNOTATION_GC_MARKED_AT}, {@value
 * #ANNOTATION_GC_DELETE_AFTER}): every write of a state drops it, so any action on a state marked
 * for deletion cancels the deletion.
 */
public final class StateConfigMap {
  public static final String LABEL_NAME = "app.kubernetes.io/name";
  public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String LABEL_TASK_ID = "remediation-state.dev/task-id";
  public static final String LABEL_STATUS = "remediation-state.dev/status";
  public static final String ANNOTATION_SCHEMA = "remediation-state.dev/schema-version";
  public static final String APP = "remediation-state";

  /** Set by gc on an expired state it will delete after the grace period. */
  public static final String LABEL_GC_MARKED = "remediation-state.dev/gc-marked";

  public static final String ANNOTATION_GC_MARKED_AT = "remediation-state.dev/gc-marked-at";
  public static final String ANNOTATION_GC_DELETE_AFTER = "remediation-state.dev/gc-delete-after";

  public static final String KEY_STATE = "state.json";
  public static final String KEY_ITERATION = "iteration";
  public static final String KEY_STATUS = "status";
  public static final String KEY_TASK_ID = "task_id";
  public static final String KEY_LAST_UPDATE = "last_update";

  /** Prefix of the compressed feedback key; the rest of the key names the codec. */
  public static final String FEEDBACK_KEY_PREFIX = "feedback.json";

  public static final String KEY_FEEDBACK = FEEDBACK_KEY_PREFIX + FeedbackCodec.SUFFIX;

  /** The API server's limit on the summed value sizes of a ConfigMap. */
  public static final long API_LIMIT = 1_048_576;

  /**
   * Headroom kept below the limit: the API server's own accounting is exact, so the margin only has
   * to absorb keys this executor does not know about (added by people or newer tools).
   */
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
   * Reads the state out of a stored object through {@link StoredLayout}, refusing anything that is
   * not a sound state of this task. Every refusal names the key and says what to run.
   */
  public static RemediationState decode(StateObject object, TaskId taskId) {
    String where = "configmap/" + object.name();
    StoredLayout.Keys keys = StoredLayout.readLive(object);
    if (keys.foreignCodec().isPresent()) {
      throw new InvalidStateException(
          where
              + ": feedback key "
              + keys.foreignCodec().get()
              + " uses a codec this executor cannot read"
              + " (it reads "
              + KEY_FEEDBACK
              + "): upgrade the image");
    }
    if (!keys.state().present()) {
      throw new InvalidStateException(
          where + ": has no " + KEY_STATE + " key; run recover --repair");
    }
    if (keys.state().isDamaged()) {
      throw new InvalidStateException(keys.state().problem().get() + "; run recover --repair");
    }
    RemediationState state = keys.state().value().get();
    List<String> invalid = StateInvariants.check(state);
    if (!invalid.isEmpty()) {
      throw new InvalidStateException(
          where
              + ": state.json is inconsistent: "
              + String.join("; ", invalid)
              + "; run recover --repair");
    }
    if (!taskId.value().equals(state.taskId())) {
      throw new InvalidStateException(
          where + ": holds task '" + state.taskId() + "', expected '" + taskId + "'");
    }
    if (keys.history().isDamaged()) {
      throw new InvalidStateException(keys.history().problem().get() + "; run recover --repair");
    }
    if (keys.history().value().isEmpty()) {
      return state;
    }
    if (!state.feedback().isEmpty()) {
      throw new InvalidStateException(
          where
              + ": holds feedback both in "
              + KEY_STATE
              + " and in "
              + KEY_FEEDBACK
              + "; run recover --repair");
    }
    RemediationState merged = state.withFeedback(keys.history().value().get());
    List<String> problems = StateInvariants.check(merged);
    if (!problems.isEmpty()) {
      throw new InvalidStateException(
          where
              + ": "
              + KEY_FEEDBACK
              + " is inconsistent: "
              + String.join("; ", problems)
              + "; run recover --repair");
    }
    return merged;
  }

  /** Refuses to let this executor rewrite a state written by a newer schema. */
  public static void requireWritable(RemediationState state, String name) {
    if (state.schemaVersion() > RemediationState.SCHEMA_VERSION) {
      throw new InvalidStateException(
          "configmap/"
              + name
              + ": written by schema "
              + state.schemaVersion()
              + "; this executor writes schema "
              + RemediationState.SCHEMA_VERSION
              + ": upgrade the image; nothing was written");
    }
  }

  /**
   * Lays out {@code state} over {@code previous} (keeping foreign keys), within the budget, and
   * keeps the {@code state.json} it replaces as the {@link StateBackup} when that fits too.
   */
  public static StateObject encode(RemediationState state, Optional<StateObject> previous) {
    return encode(
        state,
        previous,
        previous.map(p -> p.data().get(KEY_STATE)),
        previous.map(p -> p.binaryData().get(KEY_FEEDBACK)));
  }

  /**
   * As {@link #encode(RemediationState, Optional)}, with the copies to keep as the backup given
   * explicitly ({@code state.json} and the compressed history): {@code recover} keeps the last good
   * copies rather than the damaged keys it replaces.
   */
  public static StateObject encode(
      RemediationState given,
      Optional<StateObject> previous,
      Optional<String> backup,
      Optional<byte[]> historyBackup) {
    RemediationState state = given.atCurrentSchema();
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
    labels.remove(LABEL_GC_MARKED);
    annotations.remove(ANNOTATION_GC_MARKED_AT);
    annotations.remove(ANNOTATION_GC_DELETE_AFTER);
    labels.put(LABEL_NAME, APP);
    labels.put(LABEL_MANAGED_BY, APP);
    labels.put(LABEL_TASK_ID, state.taskId());
    labels.put(LABEL_STATUS, state.status().value());
    annotations.put(ANNOTATION_SCHEMA, Integer.toString(state.schemaVersion()));
    binaryData.remove(StateBackup.KEY);
    binaryData.remove(StateBackup.HISTORY_KEY);
    binaryData.keySet().removeIf(k -> k.startsWith(FEEDBACK_KEY_PREFIX));
    binaryData.put(KEY_FEEDBACK, FeedbackCodec.encode(state.feedback()));
    data.put(KEY_STATE, StateJson.write(state.withFeedback(List.of())));
    data.put(KEY_ITERATION, Integer.toString(state.iteration()));
    data.put(KEY_STATUS, state.status().value());
    data.put(KEY_TASK_ID, state.taskId());
    data.put(KEY_LAST_UPDATE, state.lastUpdate().toString());
    String name = new TaskId(state.taskId()).configMapName();
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
          "configmap/"
              + name
              + " would hold "
              + size
              + " bytes, over the budget of "
              + BUDGET
              + " bytes; nothing was written");
    }
    StateBackup.attach(binaryData, backup, historyBackup, size, BUDGET);
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
