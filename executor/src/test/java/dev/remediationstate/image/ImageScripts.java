package dev.remediationstate.image;

import dev.remediationstate.it.TestApiServer;
import dev.remediationstate.it.TestCluster;
import java.io.IOException;
import java.net.URI;
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

  /** Where a pod has its ServiceAccount token, CA and namespace. */
  static final String SERVICE_ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

  private final Path dir;
  private final List<String> access;

  private ImageScripts(Path dir, List<String> access) {
    this.dir = dir;
    this.access = access;
  }

  private static Path scriptsDir() {
    String scripts = System.getProperty("rs.image.scripts", "");
    if (scripts.isBlank() || !Files.isRegularFile(Path.of(scripts, "smoke-run.sh"))) {
      throw new IllegalStateException(
          "rs.image.scripts must name executor/image (set by the image profile)");
    }
    return Path.of(scripts);
  }

  /**
   * The scripts talking to the API as a pod does: the ServiceAccount directory ({@code token},
   * {@code ca.crt}, {@code namespace}) mounted at {@value #SERVICE_ACCOUNT} and {@code
   * KUBERNETES_SERVICE_HOST}/{@code _PORT} set, no kubeconfig: the in-pod HTTPS path the image runs
   * in production.
   */
  static ImageScripts inPod(TestApiServer api, String namespace, String token, Path work)
      throws IOException {
    Path sa = Files.createDirectories(work.resolve("serviceaccount"));
    Files.writeString(sa.resolve("token"), token, StandardCharsets.UTF_8);
    Files.writeString(sa.resolve("ca.crt"), api.caCertPem(), StandardCharsets.UTF_8);
    Files.writeString(sa.resolve("namespace"), namespace, StandardCharsets.UTF_8);
    for (Path file :
        List.of(sa, sa.resolve("token"), sa.resolve("ca.crt"), sa.resolve("namespace"))) {
      Files.setPosixFilePermissions(
          file,
          PosixFilePermissions.fromString(Files.isDirectory(file) ? "rwxr-xr-x" : "rw-r--r--"));
    }
    URI url = URI.create(api.url());
    return new ImageScripts(
        scriptsDir(),
        List.of(
            "-v",
            sa + ":" + SERVICE_ACCOUNT,
            "-e",
            "KUBERNETES_SERVICE_HOST=" + url.getHost(),
            "-e",
            "KUBERNETES_SERVICE_PORT=" + url.getPort()));
  }

  /**
   * The scripts in {@code rs.image.scripts}, talking to {@code cluster}; scratch files in {@code
   * work}.
   */
  static ImageScripts against(TestCluster cluster, Path work) throws IOException {
    Path kubeconfig = Files.copy(cluster.kubeconfig(), work.resolve("kubeconfig.yaml"));
    Files.setPosixFilePermissions(kubeconfig, PosixFilePermissions.fromString("rw-r--r--"));
    return new ImageScripts(
        scriptsDir(),
        List.of("-v", kubeconfig + ":" + KUBECONFIG, "-e", "KUBECONFIG=" + KUBECONFIG));
  }

  /** A finished script: exit code, the container's stdout, everything on stderr. */
  record Run(int code, String out, String err) {}

  /**
   * {@code script} with the API access (mounts and env) in front of {@code args}; {@code
   * resultsDir} (null: none) becomes {@code RESULTS_DIR}.
   */
  Run run(String script, Path resultsDir, List<String> args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", dir.resolve(script).toString()));
    command.addAll(access);
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
