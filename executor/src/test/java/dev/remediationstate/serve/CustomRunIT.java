package dev.remediationstate.serve;

import static dev.remediationstate.serve.TektonRuns.condition;
import static dev.remediationstate.serve.TektonRuns.finished;
import static dev.remediationstate.serve.TektonRuns.params;
import static dev.remediationstate.serve.TektonRuns.reason;
import static dev.remediationstate.serve.TektonRuns.results;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remediationstate.serve.TektonRuns.PipelineRun;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CustomRun contract against a real API server and one {@code serve} process: results in {@code
 * status.results} and the state, cancel, timeout, retries, invalid params, the approval gate,
 * duplicate events, and loops in parallel ({@code -Drs.serve.loops}, default 50).
 */
class CustomRunIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static ServeEnv env;
  private static ServeProcess serve;
  private static TektonRuns runs;

  @BeforeAll
  static void start() throws Exception {
    env = ServeEnv.create("serve-cr");
    runs = env.runs();
    serve =
        ServeProcess.start(
            env.kubeconfig,
            env.namespace,
            "cr-it",
            "--no-gc",
            "--approval-poll=200ms",
            "--workers=8");
    serve.awaitReady(Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() throws Exception {
    if (serve != null) {
      int code = serve.stop();
      assertTrue(code == 0 || code == 143, "SIGTERM ends serve cleanly, got " + code);
      assertTrue(serve.log().contains("serve stopped: SIGTERM"), serve.log());
    }
    if (env != null) {
      env.close();
    }
  }

  private JsonNode run(PipelineRun pr, String task, String... params) throws Exception {
    runs.create(pr, task, params(params), "1m0s", 0);
    return runs.await(pr.name() + "-" + task, finished(), WAIT);
  }

  private ConfigMap state(String taskId) {
    return env.admin
        .configMaps()
        .inNamespace(env.namespace)
        .withName("task-" + taskId + "-state")
        .get();
  }

  @Test
  void aTurnOfCustomRunsWritesResultsStatusAndState() throws Exception {
    PipelineRun pr = PipelineRun.random("turn");
    JsonNode init = run(pr, "init", "action", "init", "task-id", "t-turn", "max-iterations", "3");
    assertEquals("True", condition(init).get().path("status").asText());
    assertEquals("true", results(init).get("created"));
    JsonNode next = run(pr, "next", "action", "next-iteration", "task-id", "t-turn");
    assertEquals("1", results(next).get("iteration"));
    assertEquals("false", results(next).get("limit-reached"));
    JsonNode record =
        run(
            pr,
            "record",
            "action",
            "record-feedback",
            "task-id",
            "t-turn",
            "feedback",
            "{\"verdict\":\"approved\",\"description\":\"looks good\"}");
    assertEquals("approved", results(record).get("verdict"));
    JsonNode gate = run(pr, "gate", "action", "gate", "task-id", "t-turn");
    assertEquals("complete", results(gate).get("decision"));

    JsonNode status = gate.path("status");
    assertTrue(status.path("startTime").isTextual());
    assertEquals(
        status.path("completionTime").asText(),
        condition(gate).get().path("lastTransitionTime").asText());
    assertFalse(
        Instant.parse(status.path("completionTime").asText())
            .isBefore(Instant.parse(status.path("startTime").asText())));
    assertEquals(1, status.path("observedGeneration").asInt());
    assertEquals("1", state("t-turn").getData().get("iteration"));
    assertEquals("completed", state("t-turn").getData().get("status"));
    awaitEvent("Completed", pr.name() + "-gate");
  }

  private void awaitEvent(String reason, String object) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      if (env.admin.v1().events().inNamespace(env.namespace).list().getItems().stream()
          .anyMatch(
              e ->
                  e.getReason().equals(reason) && e.getInvolvedObject().getName().equals(object))) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no " + reason + " Event on " + object);
  }

  @Test
  void invalidParamsFailWithAReasonNamingTheParam() throws Exception {
    PipelineRun pr = PipelineRun.random("bad");
    assertEquals(
        "InvalidParamMaxIterations",
        condition(run(pr, "init", "action", "init", "task-id", "t-bad", "max-iterations", "0"))
            .get()
            .path("reason")
            .asText());
    assertEquals(
        "InvalidParamAction",
        condition(run(pr, "what", "action", "rollback", "task-id", "t-bad"))
            .get()
            .path("reason")
            .asText());
    assertEquals(
        "InvalidParamFeedbackFile",
        condition(
                run(
                    pr,
                    "file",
                    "action",
                    "record-feedback",
                    "task-id",
                    "t-bad",
                    "feedback-file",
                    "/etc/passwd"))
            .get()
            .path("reason")
            .asText());
    assertEquals(null, state("t-bad"));
  }

  @Test
  void cancelEndsAWaitingGateWithCustomRunCancelled() throws Exception {
    PipelineRun pr = PipelineRun.random("cancel");
    run(pr, "init", "action", "init", "task-id", "t-cancel");
    runs.create(
        pr,
        "gate",
        params("action", "gate", "task-id", "t-cancel", "wait-for-approval", "true"),
        "1h0m0s",
        0);
    runs.await(pr.name() + "-gate", reason("WaitingForApproval"), WAIT);
    runs.cancel(
        pr.name() + "-gate",
        "CustomRun cancelled as the PipelineRun it belongs to has been cancelled.");
    JsonNode cancelled = runs.await(pr.name() + "-gate", finished(), WAIT);
    assertEquals("False", condition(cancelled).get().path("status").asText());
    assertEquals("CustomRunCancelled", condition(cancelled).get().path("reason").asText());
    assertTrue(condition(cancelled).get().path("message").asText().contains("has been cancelled"));
    assertTrue(cancelled.path("status").path("completionTime").isTextual());
  }

  @Test
  void aWaitingGateTimesOutThroughItsRetries() throws Exception {
    PipelineRun pr = PipelineRun.random("timeout");
    run(pr, "init", "action", "init", "task-id", "t-timeout");
    runs.create(
        pr,
        "gate",
        params("action", "gate", "task-id", "t-timeout", "wait-for-approval", "true"),
        "2s",
        1);
    JsonNode timedOut = runs.await(pr.name() + "-gate", finished(), WAIT);
    assertEquals("CustomRunTimedOut", condition(timedOut).get().path("reason").asText());
    assertEquals(1, timedOut.path("status").path("retriesStatus").size(), "one retry, recorded");
    assertEquals(
        "CustomRunTimedOut",
        timedOut
            .path("status")
            .path("retriesStatus")
            .get(0)
            .path("conditions")
            .get(0)
            .path("reason")
            .asText());
  }

  @Test
  void aWaitingGateSucceedsWhenTheApprovalIsRecorded() throws Exception {
    PipelineRun pr = PipelineRun.random("approve");
    run(pr, "init", "action", "init", "task-id", "t-approve");
    run(pr, "next", "action", "next-iteration", "task-id", "t-approve");
    runs.create(
        pr,
        "gate",
        params("action", "gate", "task-id", "t-approve", "wait-for-approval", "true"),
        "1m0s",
        0);
    runs.await(pr.name() + "-gate", reason("WaitingForApproval"), WAIT);
    PipelineRun human = PipelineRun.random("human");
    run(
        human,
        "approve",
        "action",
        "record-feedback",
        "task-id",
        "t-approve",
        "feedback",
        "{\"verdict\":\"approved\",\"description\":\"approved by a human\"}");
    JsonNode gate = runs.await(pr.name() + "-gate", finished(), WAIT);
    assertEquals("True", condition(gate).get().path("status").asText());
    assertEquals("complete", results(gate).get("decision"));
  }

  @Test
  void duplicateEventsNeverApplyAnActionTwice() throws Exception {
    PipelineRun pr = PipelineRun.random("dup");
    run(pr, "init", "action", "init", "task-id", "t-dup");
    JsonNode next = run(pr, "next", "action", "next-iteration", "task-id", "t-dup");
    // Touch the finished CustomRun (label changes: update events, resyncs) and restart serve:
    // every one of them reaches the controller again.
    for (int i = 0; i < 5; i++) {
      env.admin
          .genericKubernetesResources(dev.remediationstate.customrun.KubeRunSource.CUSTOM_RUNS)
          .inNamespace(env.namespace)
          .withName(pr.name() + "-next")
          .edit(
              r -> {
                r.getMetadata().getLabels().put("touched", "t" + Math.random());
                return r;
              });
    }
    Thread.sleep(500);
    assertEquals("1", state("t-dup").getData().get("iteration"));
    assertEquals(results(next), results(runs.get(pr.name() + "-next")));
  }

  @Test
  void loopsRunInParallel() throws Exception {
    int loops = Integer.getInteger("rs.serve.loops", 50);
    int turns = 3;
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(loops, 16));
    List<Future<?>> done = new ArrayList<>();
    for (int l = 0; l < loops; l++) {
      String taskId = "t-par-" + l;
      done.add(
          pool.submit(
              () -> {
                PipelineRun first = PipelineRun.random("par-" + taskId);
                run(first, "init", "action", "init", "task-id", taskId, "max-iterations", "5");
                for (int t = 1; t <= turns; t++) {
                  PipelineRun pr = PipelineRun.random("par-" + taskId + "-" + t);
                  JsonNode next = run(pr, "next", "action", "next-iteration", "task-id", taskId);
                  assertEquals(Integer.toString(t), results(next).get("iteration"));
                  run(
                      pr,
                      "record",
                      "action",
                      "record-feedback",
                      "task-id",
                      taskId,
                      "feedback",
                      "{\"verdict\":\"changes-requested\",\"description\":\"finding "
                          + t
                          + "\",\"fingerprint\":\"f"
                          + t
                          + "\"}");
                  assertEquals(
                      "continue",
                      results(run(pr, "gate", "action", "gate", "task-id", taskId))
                          .get("decision"));
                }
                return null;
              }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    Set<String> iterations = new HashSet<>();
    for (int l = 0; l < loops; l++) {
      iterations.add(state("t-par-" + l).getData().get("iteration"));
    }
    assertEquals(Set.of(Integer.toString(turns)), iterations);
  }
}
