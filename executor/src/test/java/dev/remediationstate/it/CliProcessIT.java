package dev.remediationstate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real CLI jar as separate processes, as pipeline steps do, against the test cluster. */
class CliProcessIT {
  private static TestCluster cluster;

  @TempDir Path results;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  /** A finished process: exit code, stdout, stderr. */
  record Run(int code, String out, String err) {}

  static Run cli(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(javaBin(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", cliJar()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment()
        .keySet()
        .removeIf(k -> k.startsWith("RS_") || k.equals("KUBERNETES_SERVICE_HOST"));
    pb.environment().put("KUBECONFIG", cluster.kubeconfig().toString());
    pb.environment().put("RS_NAMESPACE", cluster.namespace());
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

  private String result(String name) throws IOException {
    return Files.readString(results.resolve(name), StandardCharsets.UTF_8);
  }

  @Test
  void aLoopDrivenByEnvironmentVariablesAsTektonPassesThem() throws Exception {
    String task = TestCluster.uniqueTaskId("proc");
    Map<String, String> env = Map.of("RS_TASK_ID", task, "RS_RESULTS_DIR", results.toString());
    Run init =
        cli(
            Map.of(
                "RS_TASK_ID", task, "RS_RESULTS_DIR", results.toString(), "RS_MAX_ITERATIONS", "2"),
            "init");
    assertEquals(0, init.code(), init.err());
    assertEquals("true", result("created"));

    Run next =
        cli(
            Map.of(
                "RS_TASK_ID", task, "RS_RESULTS_DIR", results.toString(), "RS_REQUEST_ID", "uid-1"),
            "next-iteration");
    assertEquals(0, next.code(), next.err());
    assertEquals("1", result("iteration"));
    Run retried =
        cli(
            Map.of(
                "RS_TASK_ID", task, "RS_RESULTS_DIR", results.toString(), "RS_REQUEST_ID", "uid-1"),
            "next-iteration");
    assertEquals(next.out(), retried.out(), "a retried step returns the same results");

    Run feedback =
        cli(
            Map.of(
                "RS_TASK_ID",
                task,
                "RS_RESULTS_DIR",
                results.toString(),
                "RS_FEEDBACK",
                "{\"severity\":\"medium\",\"issueType\":\"performance\",\"description\":\"slow\",\"sourceRef\":\"c-9\"}"),
            "record-feedback");
    assertEquals(0, feedback.code(), feedback.err());
    assertEquals("fb-0001", result("feedback-id"));

    Run gate = cli(env, "gate");
    assertEquals(0, gate.code(), gate.err());
    assertEquals("continue", result("decision"));
    assertEquals(
        "{\"decision\":\"continue\",\"reason\":\"changes-requested\",\"iteration\":\"1\",\"max-iterations\":\"2\",\"limit-reached\":\"false\",\"status\":\"in-progress\"}\n",
        gate.out());
    assertTrue(
        gate.err().contains("\"taskId\":\"" + task + "\""), "JSON logs on stderr: " + gate.err());

    assertEquals(
        0, cli(Map.of("RS_TASK_ID", task, "RS_REQUEST_ID", "uid-2"), "next-iteration").code());
    Run stop = cli(env, "gate");
    assertEquals(0, stop.code(), "a stop is not a failure: " + stop.err());
    assertEquals("stop", result("decision"));
    assertEquals("limit-reached", result("reason"));

    Run limit = cli(env, "next-iteration");
    assertEquals(0, limit.code());
    assertEquals("true", result("limit-reached"));
    assertEquals("2", result("iteration"));

    Run show = cli(Map.of("RS_TASK_ID", task), "show");
    assertEquals(0, show.code());
    assertTrue(show.out().contains("\"status\" : \"exhausted\""), show.out());
  }

  @Test
  void failuresExitWithTheirDocumentedCodeAndOneLine() throws Exception {
    Run badId = cli(Map.of(), "init", "--task-id", "Not_Valid");
    assertEquals(2, badId.code());
    assertEquals(1, badId.err().lines().count(), badId.err());
    assertTrue(badId.err().startsWith("remediation-state init: task-id: "), badId.err());

    Run missing = cli(Map.of(), "gate", "--task-id", TestCluster.uniqueTaskId("absent"));
    assertEquals(3, missing.code(), missing.err());
    assertTrue(missing.err().contains("run init first"), missing.err());

    Run badEnv = cli(Map.of("RS_MAX_ITERATIONS", "lots"), "init", "--task-id", "x");
    assertEquals(2, badEnv.code(), badEnv.err());

    Run help = cli(Map.of(), "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("Exit codes"), help.out());
  }
}
