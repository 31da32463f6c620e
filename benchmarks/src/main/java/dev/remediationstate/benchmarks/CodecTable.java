package dev.remediationstate.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;

/**
 * Prints one line per codec: ratio on the corpus, and the first round trip in a fresh JVM (class
 * loading and cold code, what every short-lived action pays). Run once per codec in its own JVM:
 * {@code java -cp benchmarks.jar dev.remediationstate.benchmarks.CodecTable XZ}; with no argument
 * it prints the ratio of all codecs.
 */
public final class CodecTable {
  private CodecTable() {}

  public static void main(String[] args) {
    byte[] raw = Corpus.storedFeedbackJson();
    if (args.length == 0) {
      System.out.printf(Locale.ROOT, "corpus: %d bytes of stored feedback JSON%n", raw.length);
      for (CodecCandidate codec : CodecCandidate.values()) {
        byte[] packed = codec.compress(raw);
        System.out.printf(Locale.ROOT, "%-22s %8d bytes  ratio %5.1fx%n",
            codec.name(), packed.length, (double) raw.length / packed.length);
      }
      return;
    }
    CodecCandidate codec = CodecCandidate.valueOf(args[0]);
    long classesBefore = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
    long start = System.nanoTime();
    byte[] packed = codec.compress(raw);
    byte[] unpacked = codec.decompress(packed);
    long micros = (System.nanoTime() - start) / 1000;
    long classes = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount() - classesBefore;
    if (!Arrays.equals(raw, unpacked)) {
      throw new IllegalStateException(codec + " did not round-trip");
    }
    System.out.printf(Locale.ROOT, "%-14s cold round trip %7.1f ms, %4d classes loaded%n",
        codec.name(), micros / 1000.0, classes);
  }
}
