package dev.remediationstate.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real CLI jar as a separate process against a {@link TestCluster}, as a pipeline step
 * runs it: its own JVM, the cluster's kubeconfig and namespace in the environment, no inherited
 * {@code RS_*} variables.
 */
public final class CliProcess {
  /** A finished process: exit code, stdout, stderr. */
  public record Run(int code, String out, String err) {}

  private CliProcess() {}

  public static Run run(TestCluster cluster, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    Map<String, String> all = new HashMap<>();
    all.put("KUBECONFIG", cluster.kubeconfig().toString());
    all.put("RS_NAMESPACE", cluster.namespace());
    all.putAll(env);
    return run(all, args);
  }

  /** Runs the CLI with {@code env} alone naming the API: {@code KUBECONFIG} and the like. */
  public static Run run(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(javaBin(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", cliJar()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment()
        .keySet()
        .removeIf(k -> k.startsWith("RS_") || k.equals("KUBERNETES_SERVICE_HOST"));
    pb.environment().remove("KUBECONFIG");
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("CLI did not finish: " + command);
    }
    return new Run(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  static String cliJar() {
    String jar = System.getProperty("rs.cli.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(
          "rs.cli.jar must name the shaded CLI jar (run through failsafe)");
    }
    return jar;
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
