package dev.remediationstate.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.InflaterInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;
import org.apache.commons.compress.compressors.lzma.LZMACompressorInputStream;
import org.apache.commons.compress.compressors.lzma.LZMACompressorOutputStream;
import org.apache.commons.compress.compressors.snappy.FramedSnappyCompressorInputStream;
import org.apache.commons.compress.compressors.snappy.FramedSnappyCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;

/**
 * The codecs compared for the feedback history: every one commons-compress can both write and
 * read in pure Java, plus the JDK's own deflate. Brotli (decode-only in commons-compress) and
 * zstd (needs the zstd-jni native library) are left out: see the README.
 */
public enum CodecCandidate {
  GZIP_6("gzip (JDK, level 6)", out -> new GZIPOutputStream(out, 8192), GZIPInputStream::new),
  DEFLATE_9(
      "deflate (JDK, level 9)",
      out -> new DeflaterOutputStream(out, new Deflater(Deflater.BEST_COMPRESSION), 8192),
      InflaterInputStream::new),
  BZIP2("bzip2", BZip2CompressorOutputStream::new, BZip2CompressorInputStream::new),
  XZ("xz preset 6 (+ org.tukaani:xz)", XZCompressorOutputStream::new, XZCompressorInputStream::new),
  LZMA("lzma (+ org.tukaani:xz)", LZMACompressorOutputStream::new, LZMACompressorInputStream::new),
  LZ4_FRAMED(
      "lz4 framed", FramedLZ4CompressorOutputStream::new, FramedLZ4CompressorInputStream::new),
  SNAPPY_FRAMED(
      "snappy framed",
      FramedSnappyCompressorOutputStream::new,
      FramedSnappyCompressorInputStream::new);

  /** Wraps a stream in a compressor or decompressor. */
  @FunctionalInterface
  interface Wrapper<S> {
    S wrap(S stream) throws IOException;
  }

  private final String label;
  private final Wrapper<OutputStream> compressor;
  private final Wrapper<InputStream> decompressor;

  CodecCandidate(String label, Wrapper<OutputStream> compressor, Wrapper<InputStream> decompressor) {
    this.label = label;
    this.compressor = compressor;
    this.decompressor = decompressor;
  }

  public String label() {
    return label;
  }

  public byte[] compress(byte[] raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length / 4 + 64);
    try (OutputStream out = compressor.wrap(bytes)) {
      out.write(raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public byte[] decompress(byte[] compressed) {
    try (InputStream in = decompressor.wrap(new ByteArrayInputStream(compressed))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
