package dev.remediationstate.store;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.remediationstate.failure.InvalidStateException;
import dev.remediationstate.state.FeedbackEntry;
import dev.remediationstate.state.StateJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * How feedback is stored: a JSON array of entries, gzip-compressed (JDK deflate, default level 6),
 * in a {@code binaryData} key ending in {@value #SUFFIX}. The key's suffix is the codec marker; a
 * reader that meets another suffix refuses the object instead of guessing.
 *
 * <p>gzip was chosen by measurement (README, "Feedback history"): within 2x of the best ratio on
 * the corpus, and the only candidate whose first use in a fresh JVM costs milliseconds rather than
 * a second, because java.util.zip is part of the JDK.
 *
 * <p>Decompression is bounded by {@link #MAX_DECOMPRESSED} so a corrupted or hostile object cannot
 * exhaust the heap.
 */
public final class FeedbackCodec {
  public static final String NAME = "gzip";
  public static final String SUFFIX = ".gz";

  /** Largest uncompressed document accepted on read. */
  public static final int MAX_DECOMPRESSED = 16 * 1024 * 1024;

  private FeedbackCodec() {}

  /** The stored JSON of a list of entries, before compression. */
  public static byte[] json(List<FeedbackEntry> entries) {
    try {
      return StateJson.mapper().writeValueAsBytes(entries);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] compress(byte[] raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length / 8 + 64);
    try (OutputStream out = new GZIPOutputStream(bytes, 8192)) {
      out.write(raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The compressed JSON of {@code entries}. */
  public static byte[] encode(List<FeedbackEntry> entries) {
    Memo memo = LAST.get();
    if (memo != null && memo.entries() == entries) {
      return memo.compressed().clone();
    }
    return compress(json(entries));
  }

  /**
   * Remembers that {@code compressed} is the encoding of exactly this list instance, so that the
   * history budget, which has just compressed the history to measure it, spares {@link #encode}
   * compressing it again in the same append. Compression is the largest cost of an append.
   */
  public static void remember(List<FeedbackEntry> entries, byte[] compressed) {
    LAST.set(new Memo(entries, compressed.clone()));
  }

  private record Memo(List<FeedbackEntry> entries, byte[] compressed) {}

  private static final AtomicReference<Memo> LAST = new AtomicReference<>();

  /**
   * Reads back what {@link #encode} wrote.
   *
   * @param where names the object and key in error messages
   */
  public static List<FeedbackEntry> decode(byte[] compressed, String where) {
    byte[] raw = decompress(compressed, where);
    try {
      return Arrays.asList(StateJson.mapper().readValue(raw, FeedbackEntry[].class));
    } catch (IOException e) {
      throw new InvalidStateException(where + ": is not a list of feedback entries", e);
    }
  }

  /**
   * What can still be read from an undecodable history: the complete entries at the start of the
   * array, from as much of the gzip stream as inflates (a cut or damaged tail loses only the
   * entries it held). Never throws.
   */
  public static List<FeedbackEntry> salvage(byte[] damaged) {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(damaged), 8192)) {
      byte[] chunk = new byte[8192];
      for (int n; (n = in.read(chunk)) > 0 && raw.size() <= MAX_DECOMPRESSED; ) {
        raw.write(chunk, 0, n);
      }
    } catch (IOException | RuntimeException e) {
      // keep what inflated before the damage
    }
    List<FeedbackEntry> entries = new ArrayList<>();
    ObjectReader entry =
        StateJson.mapper()
            .readerFor(FeedbackEntry.class)
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    try (JsonParser parser = StateJson.mapper().createParser(raw.toByteArray())) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        return entries;
      }
      while (parser.nextToken() == JsonToken.START_OBJECT) {
        entries.add(entry.readValue(parser));
      }
    } catch (IOException | RuntimeException e) {
      // the entries before the damage are kept
    }
    return entries;
  }

  static byte[] decompress(byte[] compressed, String where) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed), 8192)) {
      byte[] raw = in.readNBytes(MAX_DECOMPRESSED + 1);
      if (raw.length > MAX_DECOMPRESSED) {
        throw new InvalidStateException(
            where + ": decompresses to more than " + MAX_DECOMPRESSED + " bytes");
      }
      return raw;
    } catch (IOException e) {
      throw new InvalidStateException(where + ": is not valid " + NAME + " data", e);
    }
  }
}
