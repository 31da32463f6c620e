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
 * The last good copy of {@code state.json}, kept so {@code recover} can rebuild a state whose JSON
 * was corrupted: {@code binaryData[}{@value #KEY}{@code ]}, the gzip of the {@code state.json} this
 * write replaces (which was read and validated before the write). It is kept only while it fits the
 * budget next to everything else; otherwise the key is dropped, so a stale copy never survives, and
 * {@code recover} falls back to the human-readable keys. Gzip keeps it at a fraction of the state's
 * size (JSON with repeated field names compresses well).
 */
public final class StateBackup {
  public static final String KEY = "state.json.prev.gz";

  /** Largest backup that is decompressed: bounded like everything read from the API. */
  static final int MAX_INFLATED = 4 * 1024 * 1024;

  private StateBackup() {}

  /**
   * Adds the backup of {@code previousJson} to {@code binaryData} when {@code sizeWithout} plus its
   * size stays within {@code budget}; removes any older backup otherwise.
   */
  static void attach(
      Map<String, byte[]> binaryData,
      Optional<String> previousJson,
      long sizeWithout,
      long budget) {
    binaryData.remove(KEY);
    if (previousJson.isEmpty()) {
      return;
    }
    byte[] gz = gzip(previousJson.get());
    if (sizeWithout + gz.length <= budget) {
      binaryData.put(KEY, gz);
    }
  }

  /** The backed-up {@code state.json}, when there is a readable one. */
  public static Optional<String> read(StateObject object) {
    byte[] gz = object.binaryData().get(KEY);
    if (gz == null) {
      return Optional.empty();
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      byte[] bytes = in.readNBytes(MAX_INFLATED + 1);
      if (bytes.length > MAX_INFLATED) {
        return Optional.empty();
      }
      return Optional.of(new String(bytes, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty();
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
