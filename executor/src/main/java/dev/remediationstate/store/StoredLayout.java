package dev.remediationstate.store;

import dev.remediationstate.failure.InvalidStateException;
import dev.remediationstate.state.FeedbackEntry;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.StateJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one reader of every key of a state ConfigMap, key by key: {@code state.json}, the live
 * history {@code feedback.json.gz}, the last good copies ({@value StateBackup#KEY}, {@value
 * StateBackup#HISTORY_KEY}), the repair journal and the copies {@code recover} preserved. Actions,
 * {@code recover}'s diagnosis, its repair and the backup all read through {@link #read}, so no
 * stored key falls outside recovery: a key this class does not name is foreign and is kept as it is
 * by every write ({@link StateConfigMap#encode}).
 *
 * <p>Reading never throws: each key yields a {@link Slot} that is absent, decoded, or damaged with
 * a one-line problem that names the key and never echoes stored content.
 */
public final class StoredLayout {
  /** Prefix of the preserved copy of a replaced {@code state.json} (in {@code data}). */
  public static final String PRESERVED_STATE_PREFIX = "state.json.corrupt-";

  /** Prefix of the preserved bytes of an undecodable history (in {@code binaryData}). */
  public static final String PRESERVED_HISTORY_PREFIX = "feedback.corrupt-";

  /** The repair journal, in {@code data}. */
  public static final String JOURNAL_KEY = "repair-journal.json";

  private StoredLayout() {}

  /** One key: absent, decoded ({@code value}), or damaged ({@code problem}). */
  public record Slot<T>(String key, boolean present, Optional<T> value, Optional<String> problem) {
    static <T> Slot<T> absent(String key) {
      return new Slot<>(key, false, Optional.empty(), Optional.empty());
    }

    static <T> Slot<T> decoded(String key, T value) {
      return new Slot<>(key, true, Optional.of(value), Optional.empty());
    }

    static <T> Slot<T> damaged(String key, String problem) {
      return new Slot<>(key, true, Optional.empty(), Optional.of(problem));
    }

    public boolean isDamaged() {
      return problem.isPresent();
    }
  }

  /**
   * Every key of one object, decoded. {@code state} is parsed and migrated but neither checked
   * against the invariants nor merged with the history; {@code foreignCodec} names a {@code
   * feedback.json*} key written with a codec this executor cannot read.
   */
  public record Keys(
      Slot<RemediationState> state,
      Slot<List<FeedbackEntry>> history,
      Slot<String> stateBackup,
      Slot<List<FeedbackEntry>> historyBackup,
      Slot<String> journal,
      List<String> preserved,
      Optional<String> foreignCodec) {
    public Keys {
      preserved = List.copyOf(preserved);
    }

    /** Every damaged key, in layout order. */
    public List<Slot<?>> damaged() {
      List<Slot<?>> out = new ArrayList<>();
      for (Slot<?> s : List.of(state, history, stateBackup, historyBackup, journal)) {
        if (s.isDamaged()) {
          out.add(s);
        }
      }
      return out;
    }
  }

  /** Decodes every key of {@code object}; never throws. */
  public static Keys read(StateObject object) {
    return read(object, true);
  }

  /**
   * Decodes what an action builds on: {@code state.json} and the live history (and notices a
   * history of another codec). The backups, journal and set-aside copies are left undecoded
   * (absent): actions never read them, and {@code recover} reads everything with {@link #read}.
   */
  public static Keys readLive(StateObject object) {
    return read(object, false);
  }

  private static Keys read(StateObject object, boolean everything) {
    String where = "configmap/" + object.name();
    Optional<String> foreign = Optional.empty();
    Slot<List<FeedbackEntry>> history = Slot.absent(StateConfigMap.KEY_FEEDBACK);
    for (Map.Entry<String, byte[]> e : object.binaryData().entrySet()) {
      if (!e.getKey().startsWith(StateConfigMap.FEEDBACK_KEY_PREFIX)) {
        continue;
      }
      if (!e.getKey().equals(StateConfigMap.KEY_FEEDBACK)) {
        foreign = Optional.of(e.getKey());
        continue;
      }
      history = history(e.getKey(), e.getValue(), where);
    }
    Slot<RemediationState> state = state(object.data().get(StateConfigMap.KEY_STATE), where);
    if (!everything) {
      return new Keys(
          state,
          history,
          Slot.absent(StateBackup.KEY),
          Slot.absent(StateBackup.HISTORY_KEY),
          Slot.absent(JOURNAL_KEY),
          List.of(),
          foreign);
    }
    List<String> preserved = new ArrayList<>();
    object.data().keySet().stream()
        .filter(k -> k.startsWith(PRESERVED_STATE_PREFIX))
        .forEach(preserved::add);
    object.binaryData().keySet().stream()
        .filter(k -> k.startsWith(PRESERVED_HISTORY_PREFIX))
        .forEach(preserved::add);
    byte[] historyBackup = object.binaryData().get(StateBackup.HISTORY_KEY);
    return new Keys(
        state,
        history,
        StateBackup.readSlot(object),
        historyBackup == null
            ? Slot.absent(StateBackup.HISTORY_KEY)
            : history(StateBackup.HISTORY_KEY, historyBackup, where),
        journal(object.data().get(JOURNAL_KEY), where),
        preserved,
        foreign);
  }

  private static Slot<RemediationState> state(String json, String where) {
    if (json == null) {
      return Slot.absent(StateConfigMap.KEY_STATE);
    }
    try {
      return Slot.decoded(StateConfigMap.KEY_STATE, StateJson.parse(json, where));
    } catch (InvalidStateException e) {
      return Slot.damaged(StateConfigMap.KEY_STATE, e.getMessage());
    }
  }

  private static Slot<List<FeedbackEntry>> history(String key, byte[] bytes, String where) {
    try {
      return Slot.decoded(key, FeedbackCodec.decode(bytes, where + " " + key));
    } catch (InvalidStateException e) {
      return Slot.damaged(key, e.getMessage());
    }
  }

  private static Slot<String> journal(String json, String where) {
    if (json == null) {
      return Slot.absent(JOURNAL_KEY);
    }
    try {
      if (!StateJson.mapper().readTree(json).isArray()) {
        return Slot.damaged(JOURNAL_KEY, where + " " + JOURNAL_KEY + ": is not a JSON array");
      }
      return Slot.decoded(JOURNAL_KEY, json);
    } catch (java.io.IOException | RuntimeException e) {
      return Slot.damaged(JOURNAL_KEY, where + " " + JOURNAL_KEY + ": is not valid JSON");
    }
  }
}
