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
import java.util.zip.Inflater;
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
  GZIP_6("gzip (JDK, level 6)") {
    @Override
    OutputStream wrap(OutputStream out) throws IOException {
      return new GZIPOutputStream(out, 8192);
    }

    @Override
    InputStream unwrap(InputStream in) throws IOException {
      return new GZIPInputStream(in, 8192);
    }
  },
  DEFLATE_9("deflate (JDK, level 9)") {
    @Override
    OutputStream wrap(OutputStream out) {
      return new DeflaterOutputStream(out, new Deflater(Deflater.BEST_COMPRESSION), 8192);
    }

    @Override
    InputStream unwrap(InputStream in) {
      return new InflaterInputStream(in, new Inflater(), 8192);
    }
  },
  BZIP2("bzip2 (commons-compress)") {
    @Override
    OutputStream wrap(OutputStream out) throws IOException {
      return new BZip2CompressorOutputStream(out);
    }

    @Override
    InputStream unwrap(InputStream in) throws IOException {
      return new BZip2CompressorInputStream(in);
    }
  },
  XZ("xz preset 6 (commons-compress + org.tukaani:xz)") {
    @Override
    OutputStream wrap(OutputStream out) throws IOException {
      return new XZCompressorOutputStream(out);
    }

    @Override
    InputStream unwrap(InputStream in) throws IOException {
      return new XZCompressorInputStream(in);
    }
  },
  LZMA("lzma (commons-compress + org.tukaani:xz)") {
    @Override
    OutputStream wrap(OutputStream out) throws IOException {
      return new LZMACompressorOutputStream(out);
    }

    @Override
    InputStream unwrap(InputStream in) throws IOException {
      return new LZMACompressorInputStream(in);
    }
  },
  LZ4_FRAMED("lz4 framed (commons-compress)") {
    @Override
    OutputStream wrap(OutputStream out) throws IOException {
      return new FramedLZ4CompressorOutputStream(out);
    }

    @Override
    InputStream unwrap(InputStream in) throws IOException {
      return new FramedLZ4CompressorInputStream(in);
    }
  },
  SNAPPY_FRAMED("snappy framed (commons-compress)") {
    @Override
    OutputStream wrap(OutputStream out) throws IOException {
      return new FramedSnappyCompressorOutputStream(out);
    }

    @Override
    InputStream unwrap(InputStream in) throws IOException {
      return new FramedSnappyCompressorInputStream(in);
    }
  };

  private final String label;

  CodecCandidate(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  abstract OutputStream wrap(OutputStream out) throws IOException;

  abstract InputStream unwrap(InputStream in) throws IOException;

  public byte[] compress(byte[] raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length / 4 + 64);
    try (OutputStream out = wrap(bytes)) {
      out.write(raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public byte[] decompress(byte[] compressed) {
    try (InputStream in = unwrap(new ByteArrayInputStream(compressed))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
