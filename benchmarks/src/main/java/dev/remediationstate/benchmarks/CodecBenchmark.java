package dev.remediationstate.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Compress and decompress throughput per codec on the stored JSON of the 500-finding corpus
 * (about 0.9 MB). Divide the corpus size by the average time for MB/s; the ratio is reported as
 * an auxiliary counter.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class CodecBenchmark {
  @Param({"GZIP_6", "DEFLATE_9", "BZIP2", "XZ", "LZMA", "LZ4_FRAMED", "SNAPPY_FRAMED"})
  public String codec;

  private CodecCandidate candidate;
  private byte[] raw;
  private byte[] packed;

  @Setup(Level.Trial)
  public void setUp() {
    candidate = CodecCandidate.valueOf(codec);
    raw = Corpus.storedFeedbackJson();
    packed = candidate.compress(raw);
  }

  /** Reported next to the timings: the compression ratio on the corpus. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Ratio {
    public double ratioX10;
  }

  @Benchmark
  public byte[] compress(Ratio ratio) {
    byte[] out = candidate.compress(raw);
    ratio.ratioX10 = 10.0 * raw.length / out.length;
    return out;
  }

  @Benchmark
  public byte[] decompress() {
    return candidate.decompress(packed);
  }
}
