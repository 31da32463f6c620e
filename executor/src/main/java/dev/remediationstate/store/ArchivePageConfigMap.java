package dev.remediationstate.store;

import dev.remediationstate.failure.InvalidStateException;
import dev.remediationstate.feedback.Fingerprint;
import dev.remediationstate.state.ArchivePage;
import dev.remediationstate.state.ArchivePageRef;
import dev.remediationstate.state.FeedbackEntry;
import dev.remediationstate.state.TaskId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The ConfigMap layout of one archive page, documented in the README:
 *
 * <ul>
 *   <li>name {@code task-{id}-state-archive-{n}};
 *   <li>labels {@value StateConfigMap#LABEL_MANAGED_BY}, {@value StateConfigMap#LABEL_TASK_ID} and
 *       {@value #LABEL_KIND}={@value #KIND}. It deliberately lacks {@value
 *       StateConfigMap#LABEL_NAME}, so {@link StateConfigMap#selector()} never matches a page;
 *       {@link #selector(TaskId)} does;
 *   <li>annotations {@value #ANNOTATION_CONTENT} (SHA-256 of the uncompressed entries) and {@value
 *       #ANNOTATION_BASE} (the resourceVersion of the state the page was cut from);
 *   <li>{@code binaryData} {@value StateConfigMap#KEY_FEEDBACK}: the entries, oldest first,
 *       compressed like the live history.
 * </ul>
 *
 * <p>Pages are immutable: written once, before the state refers to them, and never updated while
 * referenced.
 */
public final class ArchivePageConfigMap {
  public static final String LABEL_KIND = "remediation-state.dev/kind";
  public static final String KIND = "feedback-archive";
  public static final String ANNOTATION_CONTENT = "remediation-state.dev/content-sha256";
  public static final String ANNOTATION_BASE = "remediation-state.dev/base-resource-version";

  /** The base of a page cut from a state that did not exist yet. */
  public static final String NO_BASE = "none";

  private ArchivePageConfigMap() {}

  public static String name(TaskId taskId, int number) {
    return taskId.configMapName() + "-archive-" + number;
  }

  /** Every archive page of one task. */
  public static String selector(TaskId taskId) {
    return LABEL_KIND + "=" + KIND + "," + StateConfigMap.LABEL_TASK_ID + "=" + taskId.value();
  }

  /**
   * Lays out {@code page} as a new ConfigMap, cut from the state read at {@code baseVersion}.
   *
   * @throws IllegalStateException when the page exceeds the budget (the history budget cuts pages
   *     well below it)
   */
  public static StateObject encode(TaskId taskId, ArchivePage page, String baseVersion) {
    byte[] raw = FeedbackCodec.json(page.entries());
    StateObject object =
        new StateObject(
            name(taskId, page.number()),
            Map.of(
                StateConfigMap.LABEL_MANAGED_BY,
                StateConfigMap.APP,
                StateConfigMap.LABEL_TASK_ID,
                taskId.value(),
                LABEL_KIND,
                KIND),
            Map.of(
                ANNOTATION_CONTENT,
                contentHash(raw),
                ANNOTATION_BASE,
                baseVersion == null ? NO_BASE : baseVersion),
            Map.of(),
            Map.of(StateConfigMap.KEY_FEEDBACK, FeedbackCodec.compress(raw)),
            null,
            null);
    if (object.apiSize() > StateConfigMap.BUDGET) {
      throw new IllegalStateException(object.name() + " is over the budget: " + object.apiSize());
    }
    return object;
  }

  /** Reads a page's entries, checking it is the page {@code ref} describes. */
  public static List<FeedbackEntry> decode(StateObject object, TaskId taskId, ArchivePageRef ref) {
    String where = "configmap/" + object.name();
    if (!KIND.equals(object.labels().get(LABEL_KIND))
        || !taskId.value().equals(object.labels().get(StateConfigMap.LABEL_TASK_ID))) {
      throw new InvalidStateException(where + ": is not an archive page of task " + taskId);
    }
    byte[] compressed = object.binaryData().get(StateConfigMap.KEY_FEEDBACK);
    if (compressed == null) {
      throw new InvalidStateException(where + ": has no " + StateConfigMap.KEY_FEEDBACK + " key");
    }
    List<FeedbackEntry> entries = FeedbackCodec.decode(compressed, where);
    if (entries.size() != ref.entries()
        || !entries.get(0).id().equals(ref.firstId())
        || !entries.get(entries.size() - 1).id().equals(ref.lastId())) {
      throw new InvalidStateException(
          where
              + ": holds "
              + entries.size()
              + " entries, but the state refers to "
              + ref.entries()
              + " ("
              + ref.firstId()
              + " to "
              + ref.lastId()
              + ")");
    }
    return entries;
  }

  /** True when two page objects hold the same entries, whatever the compressor's bytes. */
  public static boolean sameContent(StateObject a, StateObject b) {
    String hash = a.annotations().get(ANNOTATION_CONTENT);
    return hash != null && hash.equals(b.annotations().get(ANNOTATION_CONTENT));
  }

  static String contentHash(byte[] raw) {
    return Fingerprint.sha256(new String(raw, StandardCharsets.UTF_8));
  }
}
