package dev.remediationstate.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.remediationstate.it.TestCluster;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the image with the AOT cache (target/jib-image-aot.tar) without a container engine, as a
 * Tekton step runs it, against the test cluster: one container per action, results bind-mounted at
 * /tekton/results. Every run has {@code -XX:AOTMode=on}, so a cache the JVM cannot use fails the
 * run instead of being skipped. Needs root; runs in the Maven profile {@code image}, which sets
 * {@code rs.image.aot.tar} (without it the test is skipped).
 */
class ImageSmokeIT {
  private static final String AOT_REQUIRED = "JAVA_TOOL_OPTIONS=-XX:AOTMode=on";
  private static TestCluster cluster;
  private static ImageScripts scripts;
  private static Path image;
  private static Path work;

  @TempDir Path results;

  @BeforeAll
  static void start() throws IOException {
    String tar = System.getProperty("rs.image.aot.tar", "");
    assumeTrue(!tar.isBlank(), "rs.image.aot.tar is set by the Maven profile image");
    image = Path.of(tar);
    assertTrue(Files.isRegularFile(image), "no image tar at " + image);
    cluster = TestCluster.start();
    work = Files.createTempDirectory("image-smoke");
    scripts = ImageScripts.against(cluster, work);
  }

  @AfterAll
  static void stop() throws IOException {
    if (cluster != null) {
      cluster.close();
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void everyActionRunsInTheImageWithItsAotCacheAndWritesExactResults() throws Exception {
    String task = TestCluster.uniqueTaskId("smoke");
    assertEquals(
        Map.of("created", "true", "iteration", "0", "max-iterations", "3", "status", "initialized"),
        action("init", "--task-id", task, "--max-iterations", "3"));
    assertEquals(
        Map.of(
            "iteration",
            "1",
            "max-iterations",
            "3",
            "started",
            "true",
            "limit-reached",
            "false",
            "status",
            "in-progress"),
        action("next-iteration", "--task-id", task, "--request-id", "uid-1"));
    assertEquals(
        Map.of(
            "feedback-id",
            "fb-0001",
            "recorded",
            "true",
            "feedback-count",
            "1",
            "iteration",
            "1",
            "verdict",
            "changes-requested",
            "fingerprint",
            "578ef2aeda51c819",
            "truncated",
            "0",
            "archived",
            "0",
            "redacted",
            "0"),
        action(
            "record-feedback",
            "--task-id",
            task,
            "--feedback",
            "{\"severity\":\"medium\",\"issueType\":\"performance\",\"description\":\"slow\",\"sourceRef\":\"c-9\"}"));
    assertEquals(
        Map.of(
            "decision",
            "continue",
            "reason",
            "changes-requested",
            "iteration",
            "1",
            "max-iterations",
            "3",
            "limit-reached",
            "false",
            "status",
            "in-progress"),
        action("gate", "--task-id", task));
  }

  @Test
  void aCacheTheJvmCannotUseFailsTheStartLoudly() throws Exception {
    // A foreign file where the cache should be: the first bytes (the magic number) overwritten.
    Path broken = work.resolve("broken.aot");
    Files.copy(cacheOf(image), broken);
    try (RandomAccessFile file = new RandomAccessFile(broken.toFile(), "rw")) {
      file.write("XXXX".getBytes(StandardCharsets.US_ASCII));
    }
    ImageScripts.Run foreign =
        scripts.run(
            "smoke-run.sh",
            null,
            List.of(
                "-v",
                broken + ":/app/app.aot",
                "-e",
                AOT_REQUIRED,
                image.toString(),
                "--",
                "--version"));
    assertRefused(foreign);

    // The right cache under incompatible flags: the JVM refuses it as well.
    ImageScripts.Run flags =
        scripts.run(
            "smoke-run.sh",
            null,
            List.of(
                "-e",
                "JAVA_TOOL_OPTIONS=-XX:AOTMode=on -XX:-UseCompressedOops",
                image.toString(),
                "--",
                "--version"));
    assertRefused(flags);
  }

  /**
   * The JVM did not start, and said why (its [error][aot] lines go to stdout, the rest to stderr).
   */
  private static void assertRefused(ImageScripts.Run run) {
    String output = run.out() + run.err();
    assertNotEquals(0, run.code(), output);
    assertTrue(
        output.contains("[error  ][aot]") && output.contains("Unable to use AOT cache."), output);
  }

  /** Runs one action in its own container and returns the result files it wrote. */
  private Map<String, String> action(String... args) throws Exception {
    Path dir = results.resolve(args[0]);
    List<String> command = new ArrayList<>(List.of("-e", AOT_REQUIRED, image.toString(), "--"));
    command.addAll(List.of(args));
    ImageScripts.Run run = scripts.run("smoke-run.sh", dir, command);
    assertEquals(0, run.code(), args[0] + ": " + run.err());
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> list = Files.list(dir)) {
      for (Path file : (Iterable<Path>) list::iterator) {
        files.put(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
      }
    }
    return files;
  }

  /** The cache the AOT build put into the image: target/aot/app/app.aot next to the image tar. */
  private static Path cacheOf(Path imageTar) {
    Path cache = imageTar.resolveSibling("aot").resolve("app").resolve("app.aot");
    assertTrue(Files.isRegularFile(cache), "no AOT cache at " + cache);
    return cache;
  }
}
