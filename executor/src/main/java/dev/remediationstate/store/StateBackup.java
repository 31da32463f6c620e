package dev.remediationstate.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The last good copy of the state, kept so {@code recover} can rebuild what was damaged. Two keys
 * in {@code binaryData}: {@value #KEY}, the gzip of the {@code state.json} a write replaces, and
 * {@value #HISTORY_KEY}, the live history ({@code feedback.json.gz}) that write replaces, byte for
 * byte (it is already compressed, so keeping it costs no CPU). Both were read and validated before
 * the write. Each is kept only while it fits the budget next to everything else, the state copy
 * first; otherwise the key is dropped, so a stale copy never survives, and {@code recover} falls
 * back to what is left ({@link StoredLayout} reads both).
 */
public final class StateBackup {
  public static final String KEY = "state.json.prev.gz";
  public static final String HISTORY_KEY = "feedback.prev.gz";

  /** Largest backup that is decompressed: bounded like everything read from the API. */
  static final int MAX_INFLATED = 4 * 1024 * 1024;

  private StateBackup() {}

  /**
   * Adds the backups of {@code previousJson} and {@code previousHistory} (compressed bytes) to
   * {@code binaryData} while {@code sizeWithout} plus their sizes stays within {@code budget};
   * removes older backups otherwise.
   */
  static void attach(
      Map<String, byte[]> binaryData,
      Optional<String> previousJson,
      Optional<byte[]> previousHistory,
      long sizeWithout,
      long budget) {
    binaryData.remove(KEY);
    binaryData.remove(HISTORY_KEY);
    if (previousJson.isEmpty()) {
      return;
    }
    byte[] gz = gzip(previousJson.get());
    long size = sizeWithout + gz.length;
    if (size > budget) {
      return;
    }
    binaryData.put(KEY, gz);
    if (previousHistory.isPresent() && size + previousHistory.get().length <= budget) {
      binaryData.put(HISTORY_KEY, previousHistory.get().clone());
    }
  }

  /** The backed-up {@code state.json}, when there is a readable one. */
  public static Optional<String> read(StateObject object) {
    return readSlot(object).value();
  }

  /** The backed-up {@code state.json} as a layout slot: absent, decoded or damaged. */
  static StoredLayout.Slot<String> readSlot(StateObject object) {
    byte[] gz = object.binaryData().get(KEY);
    if (gz == null) {
      return StoredLayout.Slot.absent(KEY);
    }
    String where = "configmap/" + object.name() + " " + KEY;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      byte[] bytes = in.readNBytes(MAX_INFLATED + 1);
      if (bytes.length > MAX_INFLATED) {
        return StoredLayout.Slot.damaged(
            KEY, where + ": decompresses to more than " + MAX_INFLATED + " bytes");
      }
      return StoredLayout.Slot.decoded(KEY, new String(bytes, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return StoredLayout.Slot.damaged(KEY, where + ": is not valid gzip data");
    }
  }

  static byte[] gzip(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("gzip into memory cannot fail", e);
    }
    return bytes.toByteArray();
  }
}
