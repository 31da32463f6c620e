package dev.remediationstate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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

  static CliProcess.Run cli(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    return CliProcess.run(cluster, env, args);
  }

  private String result(String name) throws IOException {
    return Files.readString(results.resolve(name), StandardCharsets.UTF_8);
  }

  @Test
  void aLoopDrivenByEnvironmentVariablesAsTektonPassesThem() throws Exception {
    String task = TestCluster.uniqueTaskId("proc");
    Map<String, String> env = Map.of("RS_TASK_ID", task, "RS_RESULTS_DIR", results.toString());
    CliProcess.Run init =
        cli(
            Map.of(
                "RS_TASK_ID", task, "RS_RESULTS_DIR", results.toString(), "RS_MAX_ITERATIONS", "2"),
            "init");
    assertEquals(0, init.code(), init.err());
    assertEquals("true", result("created"));

    CliProcess.Run next =
        cli(
            Map.of(
                "RS_TASK_ID", task, "RS_RESULTS_DIR", results.toString(), "RS_REQUEST_ID", "uid-1"),
            "next-iteration");
    assertEquals(0, next.code(), next.err());
    assertEquals("1", result("iteration"));
    CliProcess.Run retried =
        cli(
            Map.of(
                "RS_TASK_ID", task, "RS_RESULTS_DIR", results.toString(), "RS_REQUEST_ID", "uid-1"),
            "next-iteration");
    assertEquals(next.out(), retried.out(), "a retried step returns the same results");

    CliProcess.Run feedback =
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

    CliProcess.Run gate = cli(env, "gate");
    assertEquals(0, gate.code(), gate.err());
    assertEquals("continue", result("decision"));
    assertEquals(
        "{\"decision\":\"continue\",\"reason\":\"changes-requested\",\"iteration\":\"1\",\"max-iterations\":\"2\",\"limit-reached\":\"false\",\"status\":\"in-progress\"}\n",
        gate.out());
    assertTrue(
        gate.err().contains("\"taskId\":\"" + task + "\""), "JSON logs on stderr: " + gate.err());

    assertEquals(
        0, cli(Map.of("RS_TASK_ID", task, "RS_REQUEST_ID", "uid-2"), "next-iteration").code());
    CliProcess.Run stop = cli(env, "gate");
    assertEquals(0, stop.code(), "a stop is not a failure: " + stop.err());
    assertEquals("stop", result("decision"));
    assertEquals("limit-reached", result("reason"));

    CliProcess.Run limit = cli(env, "next-iteration");
    assertEquals(0, limit.code());
    assertEquals("true", result("limit-reached"));
    assertEquals("2", result("iteration"));

    CliProcess.Run show = cli(Map.of("RS_TASK_ID", task), "show");
    assertEquals(0, show.code());
    assertTrue(show.out().contains("\"status\" : \"exhausted\""), show.out());
  }

  @Test
  void failuresExitWithTheirDocumentedCodeAndOneLine() throws Exception {
    CliProcess.Run badId = cli(Map.of(), "init", "--task-id", "Not_Valid");
    assertEquals(2, badId.code());
    assertEquals(1, badId.err().lines().count(), badId.err());
    assertTrue(badId.err().startsWith("remediation-state init: task-id: "), badId.err());

    CliProcess.Run missing = cli(Map.of(), "gate", "--task-id", TestCluster.uniqueTaskId("absent"));
    assertEquals(3, missing.code(), missing.err());
    assertTrue(missing.err().contains("run init first"), missing.err());

    CliProcess.Run badEnv = cli(Map.of("RS_MAX_ITERATIONS", "lots"), "init", "--task-id", "x");
    assertEquals(2, badEnv.code(), badEnv.err());

    CliProcess.Run help = cli(Map.of(), "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("Exit codes"), help.out());
  }
}
