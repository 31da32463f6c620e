package dev.remediationstate.serve;

import static dev.remediationstate.serve.TektonRuns.finished;
import static dev.remediationstate.serve.TektonRuns.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.serve.TektonRuns.PipelineRun;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Recovery when serve becomes leader: a damaged state is reported (Warning Event {@code
 * StateDamaged} on its ConfigMap, {@code remediation_damaged_states}) and left alone; with {@code
 * --repair-on-start} it is repaired as {@code recover --repair} does (Event {@code Repaired}).
 */
class RecoveryOnStartIT {
  @Test
  void damagedStatesAreReportedAndRepairedOnlyWhenAsked() throws Exception {
    try (ServeEnv env = ServeEnv.create("serve-recovery")) {
      TektonRuns runs = env.runs();
      String name = "task-rec-state";
      try (ServeProcess serve =
          ServeProcess.start(
              env.kubeconfig, env.namespace, "rec-1", "--no-gc", "--no-leader-elect")) {
        serve.awaitReady(Duration.ofSeconds(60));
        runs.create(
            PipelineRun.random("rec"),
            "init",
            params("action", "init", "task-id", "rec"),
            "1m0s",
            0);
        runs.await("rec-init", finished(), Duration.ofSeconds(60));
        runs.create(
            PipelineRun.random("rec"),
            "next",
            params("action", "next-iteration", "task-id", "rec"),
            "1m0s",
            0);
        runs.await("rec-next", finished(), Duration.ofSeconds(60));
      }
      var configMaps = env.admin.configMaps().inNamespace(env.namespace);
      configMaps
          .withName(name)
          .edit(
              cm -> {
                cm.getData()
                    .put(
                        "state.json",
                        cm.getData()
                            .get("state.json")
                            .replace("\"iteration\":1", "\"iteration\":7"));
                return cm;
              });
      String damaged = configMaps.withName(name).get().getData().get("state.json");

      try (ServeProcess report =
          ServeProcess.start(
              env.kubeconfig, env.namespace, "rec-2", "--no-gc", "--no-leader-elect")) {
        report.awaitReady(Duration.ofSeconds(60));
        awaitMetric(report, "remediation_damaged_states", 1.0);
        awaitEvent(env, "StateDamaged", name);
        assertEquals(
            damaged,
            configMaps.withName(name).get().getData().get("state.json"),
            "reported, not repaired");
      }
      try (ServeProcess repair =
          ServeProcess.start(
              env.kubeconfig,
              env.namespace,
              "rec-3",
              "--no-gc",
              "--no-leader-elect",
              "--repair-on-start")) {
        repair.awaitReady(Duration.ofSeconds(60));
        awaitMetric(repair, "remediation_repaired_states_total", 1.0);
        awaitEvent(env, "Repaired", name);
        assertEquals(0.0, repair.metric("remediation_damaged_states"));
        ConfigMap repaired = configMaps.withName(name).get();
        assertTrue(
            repaired.getData().keySet().stream().anyMatch(k -> k.startsWith("state.json.corrupt-")),
            "the damaged state.json is kept: " + repaired.getData().keySet());
      }
    }
  }

  private static void awaitMetric(ServeProcess serve, String sample, double value)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (serve.metric(sample) == value) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        sample + " never reached " + value + "\n" + serve.metrics() + "\n" + serve.log());
  }

  private static void awaitEvent(ServeEnv env, String reason, String object)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (env.admin.v1().events().inNamespace(env.namespace).list().getItems().stream()
          .anyMatch(
              e ->
                  e.getReason().equals(reason) && e.getInvolvedObject().getName().equals(object))) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no " + reason + " Event on " + object);
  }
}
