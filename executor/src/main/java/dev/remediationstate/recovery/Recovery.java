package dev.remediationstate.recovery;

import dev.remediationstate.failure.InvalidInputException;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.StateBackup;
import dev.remediationstate.store.StateConfigMap;
import dev.remediationstate.store.StateObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The object {@code recover --repair} writes in place of a damaged one, in one write: the repaired
 * state laid out by {@link StateConfigMap#encode} (labels, annotation and human-readable keys
 * rewritten from it), the last good copy kept as the backup, a journal entry appended, and the
 * replaced {@code state.json} preserved under {@code state.json.corrupt-<epoch seconds>}. The
 * preserved copy is never dropped; when the budget cannot hold it whole, the backup goes first and
 * then the copy is cut to fit with a marker naming its original size.
 */
public final class Recovery {
  static final String PRESERVED_PREFIX = "state.json.corrupt-";

  /** What was written and why. */
  public record Plan(StateObject object, StateRepair.Repaired repaired, String preservedKey) {}

  private Recovery() {}

  public static Plan plan(StateObject original, TaskId taskId, Diagnosis diagnosis, Instant now) {
    StateRepair.Repaired repaired = StateRepair.repair(original, taskId, diagnosis, now);
    String preservedKey = PRESERVED_PREFIX + now.getEpochSecond();
    String replaced = original.data().getOrDefault(StateConfigMap.KEY_STATE, "");
    StateObject encoded =
        StateConfigMap.encode(repaired.state(), Optional.of(original), StateBackup.read(original));
    Map<String, String> data = new LinkedHashMap<>(encoded.data());
    data.put(
        RepairJournal.KEY,
        RepairJournal.append(
            original.data().get(RepairJournal.KEY),
            now,
            repaired.source(),
            diagnosis.problems(),
            repaired.actions(),
            preservedKey));
    Map<String, byte[]> binary = new LinkedHashMap<>(encoded.binaryData());
    data.put(preservedKey, "");
    long free = StateConfigMap.BUDGET - size(data, binary);
    if (utf8(replaced) > free && binary.remove(StateBackup.KEY) != null) {
      free = StateConfigMap.BUDGET - size(data, binary);
    }
    if (free < 256) {
      throw new InvalidInputException(
          "state",
          "configmap/"
              + original.name()
              + " has no room left to preserve the damaged state.json;"
              + " remove old "
              + PRESERVED_PREFIX
              + "* keys by hand; nothing was written");
    }
    data.put(preservedKey, fit(replaced, free));
    return new Plan(
        new StateObject(
            encoded.name(),
            encoded.labels(),
            encoded.annotations(),
            data,
            binary,
            encoded.resourceVersion(),
            encoded.uid()),
        repaired,
        preservedKey);
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

  private static long size(Map<String, String> data, Map<String, byte[]> binary) {
    return new StateObject("size", null, null, data, binary, null, null).apiSize();
  }

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
