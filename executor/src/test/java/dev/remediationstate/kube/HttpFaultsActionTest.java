package dev.remediationstate.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.cli.FakeWiring;
import dev.remediationstate.failure.ExitCode;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.StateConfigMap;
import dev.remediationstate.store.StateStore;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real command line, store and fabric8 client against an API server behind a fault-injecting
 * proxy: the CRUD mock here, the real kube-apiserver in {@link HttpFaultsIT}; the lean transport of
 * a pod's one-shot actions in {@link HttpFaultsLeanTest} and {@code HttpFaultsLeanIT}. After every
 * command the stored state is read straight from the server and must decode.
 */
class HttpFaultsActionTest {
  /**
   * Each command costs ~0.1-0.2 s over HTTP on a loaded 2-core machine, so the 1,000-fault run is
   * {@code LostResponseTest} on a fake store; over HTTP, 100 lost answers.
   */
  static final int LOST_RESPONSES = 100;

  ProxiedApi api;
  private KubernetesClient direct;

  /** The API behind the proxy: the CRUD mock here, the real server in {@code HttpFaultsIT}. */
  ProxiedApi newApi() throws Exception {
    return ProxiedApi.onMock();
  }

  /** The transport under test: fabric8's here, the lean one in {@link HttpFaultsLeanTest}. */
  StateStore store() {
    return api.store();
  }

  @BeforeEach
  void start() throws Exception {
    api = newApi();
    direct = api.direct;
  }

  @AfterEach
  void stop() {
    api.close();
  }

  /** Every write commits and its answer is lost (connection dropped, or a 5xx after commit). */
  @Test
  void lostResponsesOverHttpNeverIncrementTwice() {
    FakeWiring cli = new FakeWiring(store());
    int tasks = 4;
    int perTask = LOST_RESPONSES / tasks;
    Random random = new Random(7);
    api.proxy.plan(
        (method, path) ->
            method.equals("PUT")
                ? random.nextBoolean() ? new FaultProxy.LoseAnswer() : new FaultProxy.FailAfter(504)
                : FaultProxy.PASS);
    for (int t = 0; t < tasks; t++) {
      TaskId task = new TaskId("http-lost-" + t);
      seed(task, perTask);
      for (int i = 1; i <= perTask; i++) {
        FakeWiring.Run run =
            cli.run("next-iteration", "--task-id", task.value(), "--request-id", task + "-" + i);
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("\"iteration\":\"" + i + "\""), run.out());
      }
      assertEquals(perTask, stored(task).iteration());
    }
    assertEquals(LOST_RESPONSES, api.proxy.faults());
  }

  /**
   * 429 (Retry-After), 500, 502, 503, dropped connections and lost answers on any request at the
   * given rate. Each command ends in 0 or 6 (outcome unknown); a 6 is re-run with the same request
   * id, as the README tells callers to. The totals must be exact.
   */
  @ParameterizedTest
  @ValueSource(doubles = {0.1, 0.2, 0.3})
  void everyCommandEndsInSuccessOrItsDocumentedCodeAtFaultRate(double rate) {
    Random random = new Random(Double.doubleToLongBits(rate));
    api.proxy.plan(
        (method, path) -> random.nextDouble() < rate ? fault(random, method) : FaultProxy.PASS);
    FakeWiring cli = new FakeWiring(store());
    TaskId task = new TaskId("flaky");
    int rounds = 12;
    int unknown = 0;
    unknown += untilDone(cli, task, "init", "--max-iterations", "20", "--request-id", "init");
    for (int i = 1; i <= rounds; i++) {
      unknown += untilDone(cli, task, "next-iteration", "--request-id", "it-" + i);
      unknown +=
          untilDone(
              cli,
              task,
              "record-feedback",
              "--request-id",
              "fb-" + i,
              "--feedback",
              "{\"verdict\":\"changes-requested\",\"severity\":\"low\",\"issueType\":\"bug\","
                  + "\"fingerprint\":\"fp-"
                  + i
                  + "\",\"description\":\"finding "
                  + i
                  + "\"}");
      unknown += untilDone(cli, task, "gate", "--request-id", "gate-" + i);
    }
    RemediationState state = stored(task);
    assertEquals(rounds, state.iteration());
    assertEquals(rounds, state.feedback().size());
    Set<String> starters = new HashSet<>();
    state.iterations().forEach(r -> starters.add(r.requestId()));
    assertEquals(rounds, starters.size());
    assertTrue(api.proxy.faults() > 0);
    System.out.printf(
        "fault rate %.0f%%: %d faults injected, %d commands ended in exit 6 and were re-run%n",
        rate * 100, api.proxy.faults(), unknown);
  }

  /** Runs one command until it succeeds; returns how many runs ended in exit code 6. */
  private int untilDone(FakeWiring cli, TaskId task, String action, String... args) {
    String[] full = FakeWiring.command(action, task.value(), args);
    for (int run = 0; run < 50; run++) {
      FakeWiring.Run result = cli.run(full);
      if (direct.configMaps().inNamespace(api.namespace).withName(task.configMapName()).get()
          != null) {
        stored(task);
      }
      if (result.exitCode() == 0) {
        return run;
      }
      assertEquals(ExitCode.OUTCOME_UNKNOWN.code(), result.exitCode(), result.err());
    }
    throw new AssertionError(action + " never succeeded");
  }

  private static FaultProxy.Fault fault(Random random, String method) {
    boolean write = !method.equals("GET");
    switch (random.nextInt(write ? 6 : 4)) {
      case 0:
        return new FaultProxy.Refuse(429, random.nextBoolean() ? "1" : "0");
      case 1:
        return new FaultProxy.Refuse(503, null);
      case 2:
        return new FaultProxy.Refuse(500, null);
      case 3:
        return new FaultProxy.Refuse(502, null);
      case 4:
        return new FaultProxy.LoseAnswer();
      default:
        return new FaultProxy.FailAfter(504);
    }
  }

  private void seed(TaskId task, int maxIterations) {
    RemediationState initial =
        RemediationState.initial(
            task.value(), maxIterations, java.util.Map.of(), java.time.Instant.EPOCH);
    ConfigMap cm =
        ConfigMapStateStore.toConfigMap(
            StateConfigMap.encode(initial, java.util.Optional.empty()), null);
    direct.configMaps().inNamespace(api.namespace).resource(cm).create();
  }

  /** The stored state, straight from the server; decoding checks every invariant. */
  private RemediationState stored(TaskId task) {
    ConfigMap cm =
        direct.configMaps().inNamespace(api.namespace).withName(task.configMapName()).get();
    return StateConfigMap.decode(ConfigMapStateStore.toObject(cm), task);
  }
}
