package dev.remediationstate.image;

import dev.remediationstate.it.TestCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the scripts in {@code executor/image} (smoke-run.sh, train-aot.sh) as separate processes
 * with the test cluster's API reachable from inside the image: the container shares the host
 * network, and a copy of the kubeconfig that the image's non-root user can read is mounted at
 * {@value #KUBECONFIG}. The scripts need root; the {@code image} Maven profile runs this.
 */
final class ImageScripts {
  static final String KUBECONFIG = "/kube/config";
  private static final long TIMEOUT_SECONDS = 300;

  private final Path dir;
  private final Path kubeconfig;

  private ImageScripts(Path dir, Path kubeconfig) {
    this.dir = dir;
    this.kubeconfig = kubeconfig;
  }

  /**
   * The scripts in {@code rs.image.scripts}, talking to {@code cluster}; scratch files in {@code
   * work}.
   */
  static ImageScripts against(TestCluster cluster, Path work) throws IOException {
    String scripts = System.getProperty("rs.image.scripts", "");
    if (scripts.isBlank() || !Files.isRegularFile(Path.of(scripts, "smoke-run.sh"))) {
      throw new IllegalStateException(
          "rs.image.scripts must name executor/image (set by the image profile)");
    }
    Path kubeconfig = Files.copy(cluster.kubeconfig(), work.resolve("kubeconfig.yaml"));
    Files.setPosixFilePermissions(kubeconfig, PosixFilePermissions.fromString("rw-r--r--"));
    return new ImageScripts(Path.of(scripts), kubeconfig);
  }

  /** A finished script: exit code, the container's stdout, everything on stderr. */
  record Run(int code, String out, String err) {}

  /**
   * {@code script} with the kubeconfig mount and {@code KUBECONFIG} in front of {@code args};
   * {@code resultsDir} (null: none) becomes {@code RESULTS_DIR}.
   */
  Run run(String script, Path resultsDir, List<String> args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", dir.resolve(script).toString()));
    command.addAll(List.of("-v", kubeconfig + ":" + KUBECONFIG, "-e", "KUBECONFIG=" + KUBECONFIG));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder
        .environment()
        .keySet()
        .removeIf(k -> k.startsWith("RS_") || k.equals("JAVA_TOOL_OPTIONS"));
    if (resultsDir != null) {
      builder.environment().put("RESULTS_DIR", resultsDir.toString());
    }
    Path out = Files.createTempFile("image-run", ".out");
    Path err = Files.createTempFile("image-run", ".err");
    try {
      Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      process.getOutputStream().close();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new AssertionError(
            script + " did not finish in " + TIMEOUT_SECONDS + " s: " + command);
      }
      return new Run(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.delete(out);
      Files.delete(err);
    }
  }
}
