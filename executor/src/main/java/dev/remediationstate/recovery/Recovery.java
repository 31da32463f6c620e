package dev.remediationstate.recovery;

import dev.remediationstate.failure.InvalidInputException;
import dev.remediationstate.state.FeedbackEntry;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.StateBackup;
import dev.remediationstate.store.StateConfigMap;
import dev.remediationstate.store.StateObject;
import dev.remediationstate.store.StoredLayout;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The object {@code recover --repair} writes in place of a damaged one, in one write: the repaired
 * state laid out by {@link StateConfigMap#encode} (labels, annotation and human-readable keys
 * rewritten from it), the last good copies kept as the backup, a journal entry appended, the
 * replaced {@code state.json} preserved under {@code state.json.corrupt-<epoch seconds>}, and the
 * bytes of an undecodable history set aside under {@code feedback.corrupt-<epoch seconds>}.
 *
 * <p>Every key the repair did not need to change is written back byte for byte: the live history
 * when the repaired history equals the stored one, the backups when they decode, every foreign key.
 * {@link Plan#changed()} lists exactly the keys that differ from the original (added, removed,
 * changed), and the journal entry records the same list.
 *
 * <p>Set-aside copies are never dropped; when the budget cannot hold them whole, the backups go
 * first and then each copy is cut to fit with a marker naming its original size.
 */
public final class Recovery {
  static final String PRESERVED_PREFIX = StoredLayout.PRESERVED_STATE_PREFIX;

  /** What was written and why; {@code changed} names every key that differs from the original. */
  public record Plan(
      StateObject object,
      StateRepair.Repaired repaired,
      String preservedKey,
      List<String> changed) {
    public Plan {
      changed = List.copyOf(changed);
    }
  }

  private Recovery() {}

  public static Plan plan(StateObject original, TaskId taskId, Diagnosis diagnosis, Instant now) {
    StateRepair.Repaired repaired = StateRepair.repair(original, taskId, diagnosis, now);
    StoredLayout.Keys keys = diagnosis.keys();
    String preservedKey = PRESERVED_PREFIX + now.getEpochSecond();
    String replaced = original.data().getOrDefault(StateConfigMap.KEY_STATE, "");
    Optional<byte[]> historyBackup =
        keys.historyBackup().value().isPresent()
            ? Optional.of(original.binaryData().get(StateBackup.HISTORY_KEY))
            : Optional.empty();
    StateObject encoded =
        StateConfigMap.encode(
            repaired.state(), Optional.of(original), StateBackup.read(original), historyBackup);
    Map<String, String> data = new LinkedHashMap<>(encoded.data());
    Map<String, byte[]> binary = new LinkedHashMap<>(encoded.binaryData());
    keepUnchangedBytes(original, keys, repaired.state().feedback(), binary);
    List<String> actions = new ArrayList<>(repaired.actions());
    String historyAside = StoredLayout.PRESERVED_HISTORY_PREFIX + now.getEpochSecond();
    byte[] damagedHistory =
        diagnosis.historyDamaged()
            ? original.binaryData().get(StateConfigMap.KEY_FEEDBACK)
            : new byte[0];
    String journalAside = StoredLayout.JOURNAL_KEY + ".corrupt-" + now.getEpochSecond();
    String damagedJournal =
        keys.journal().isDamaged() ? original.data().get(StoredLayout.JOURNAL_KEY) : "";
    if (damagedHistory.length > 0) {
      actions.add(
          "the undecodable " + StateConfigMap.KEY_FEEDBACK + " set aside as " + historyAside);
    }
    if (!damagedJournal.isEmpty()) {
      actions.add("the unreadable " + StoredLayout.JOURNAL_KEY + " set aside as " + journalAside);
    }
    data.put(preservedKey, "");
    if (damagedHistory.length > 0) {
      binary.put(historyAside, new byte[0]);
    }
    if (!damagedJournal.isEmpty()) {
      data.put(journalAside, "");
    }
    // The journal entry is sized with the final list of changed keys, which it names itself.
    data.put(StoredLayout.JOURNAL_KEY, "");
    long needed = utf8(replaced) + damagedHistory.length + utf8(damagedJournal);
    long free = StateConfigMap.BUDGET - size(data, binary) - 4096;
    for (String backup : List.of(StateBackup.HISTORY_KEY, StateBackup.KEY)) {
      if (needed > free && binary.remove(backup) != null) {
        free = StateConfigMap.BUDGET - size(data, binary) - 4096;
      }
    }
    if (free < 256) {
      throw new InvalidInputException(
          "state",
          "configmap/"
              + original.name()
              + " has no room left to preserve the damaged keys;"
              + " remove old "
              + PRESERVED_PREFIX
              + "* keys by hand; nothing was written");
    }
    if (damagedHistory.length > 0) {
      byte[] kept = fitBytes(damagedHistory, Math.max(128, free / 2));
      if (kept.length < damagedHistory.length) {
        actions.add(
            historyAside
                + " cut to its first "
                + kept.length
                + " of "
                + damagedHistory.length
                + " bytes to fit the budget");
      }
      binary.put(historyAside, kept);
      free -= kept.length;
    }
    if (!damagedJournal.isEmpty()) {
      String kept = fit(damagedJournal, Math.max(128, free / 2));
      data.put(journalAside, kept);
      free -= utf8(kept);
    }
    data.put(preservedKey, fit(replaced, Math.max(128, free)));
    data.remove(StoredLayout.JOURNAL_KEY);
    List<String> changed = changedKeys(original, encoded, data, binary, preservedKey);
    data.put(
        StoredLayout.JOURNAL_KEY,
        RepairJournal.append(
            keys.journal().value().orElse(null),
            now,
            repaired.source(),
            diagnosis.problems(),
            actions,
            preservedKey,
            changed));
    return new Plan(
        new StateObject(
            encoded.name(),
            encoded.labels(),
            encoded.annotations(),
            data,
            binary,
            encoded.resourceVersion(),
            encoded.uid()),
        new StateRepair.Repaired(repaired.state(), repaired.source(), actions),
        preservedKey,
        changed);
  }

  /**
   * Puts back the original bytes of every binary key whose content the repair kept: the live
   * history when its entries are unchanged, and the backups when they decoded.
   */
  private static void keepUnchangedBytes(
      StateObject original,
      StoredLayout.Keys keys,
      List<FeedbackEntry> repairedHistory,
      Map<String, byte[]> binary) {
    if (keys.history().value().isPresent()
        && keys.history().value().get().equals(repairedHistory)) {
      binary.put(
          StateConfigMap.KEY_FEEDBACK, original.binaryData().get(StateConfigMap.KEY_FEEDBACK));
    }
    if (keys.stateBackup().value().isPresent() && binary.containsKey(StateBackup.KEY)) {
      binary.put(StateBackup.KEY, original.binaryData().get(StateBackup.KEY));
    }
  }

  /**
   * Every key, label and annotation that differs between the original and the repaired object, each
   * as {@code <kind> <key> (added|removed|changed)}; the journal key itself is always changed.
   */
  private static List<String> changedKeys(
      StateObject original,
      StateObject encoded,
      Map<String, String> data,
      Map<String, byte[]> binary,
      String preservedKey) {
    List<String> changed = new ArrayList<>();
    diff("label", original.labels(), encoded.labels(), Objects::equals, changed);
    diff("annotation", original.annotations(), encoded.annotations(), Objects::equals, changed);
    diff("data", original.data(), data, Objects::equals, changed);
    diff("binaryData", original.binaryData(), binary, Arrays::equals, changed);
    changed.add(
        "data "
            + StoredLayout.JOURNAL_KEY
            + (original.data().containsKey(StoredLayout.JOURNAL_KEY) ? " (changed)" : " (added)"));
    return changed;
  }

  private interface Same<V> {
    boolean test(V a, V b);
  }

  private static <V> void diff(
      String kind, Map<String, V> before, Map<String, V> after, Same<V> same, List<String> out) {
    TreeSet<String> names = new TreeSet<>(before.keySet());
    names.addAll(after.keySet());
    names.remove(StoredLayout.JOURNAL_KEY);
    for (String name : names) {
      V a = before.get(name);
      V b = after.get(name);
      if (a == null) {
        out.add(kind + " " + name + " (added)");
      } else if (b == null) {
        out.add(kind + " " + name + " (removed)");
      } else if (!same.test(a, b)) {
        out.add(kind + " " + name + " (changed)");
      }
    }
  }

  /** {@code text} whole, or its head and a marker, within {@code bytes} UTF-8 bytes. */
  static String fit(String text, long bytes) {
    long length = utf8(text);
    if (length <= bytes) {
      return text;
    }
    String marker = "\n[truncated by recover: the original had " + length + " bytes]";
    long keep = bytes - utf8(marker);
    StringBuilder head = new StringBuilder();
    long used = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      int n = utf8(new String(Character.toChars(cp)));
      if (used + n > keep) {
        break;
      }
      head.appendCodePoint(cp);
      used += n;
      i += Character.charCount(cp);
    }
    return head + marker;
  }

  private static byte[] fitBytes(byte[] bytes, long max) {
    return bytes.length <= max ? bytes : Arrays.copyOf(bytes, (int) max);
  }

  private static long size(Map<String, String> data, Map<String, byte[]> binary) {
    return new StateObject("size", null, null, data, binary, null, null).apiSize();
  }

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
