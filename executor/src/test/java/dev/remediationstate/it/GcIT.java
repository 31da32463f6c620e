package dev.remediationstate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.kube.ConfigMapStateStore;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.Status;
import dev.remediationstate.store.StateConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gc as the CronJob runs it: the real CLI in its own process against the test cluster. Old states
 * are marked by the first pass and deleted by the next one after the grace period; a fresh state is
 * never touched; a dry run writes nothing. On a real cluster, use a namespace of its own: gc acts
 * on every expired state in it.
 */
class GcIT {
  @TempDir Path results;

  @Test
  void marksThenDeletesExpiredStatesAndLeavesFreshOnes() throws Exception {
    try (TestCluster cluster = TestCluster.start();
        KubernetesClient client = cluster.newClient()) {
      ConfigMapStateStore store = new ConfigMapStateStore(client, cluster.namespace());
      Instant old = Instant.now().minus(Duration.ofDays(10));
      List<String> expired =
          List.of(TestCluster.uniqueTaskId("gc-done"), TestCluster.uniqueTaskId("gc-abandoned"));
      String fresh = TestCluster.uniqueTaskId("gc-fresh");
      store.create(
          StateConfigMap.encode(
              RemediationState.initial(expired.get(0), 5, Map.of(), old)
                  .withStatus(Status.COMPLETED, "approved", old),
              Optional.empty()));
      store.create(
          StateConfigMap.encode(
              RemediationState.initial(expired.get(1), 5, Map.of(), old).startIteration("r1", old),
              Optional.empty()));
      store.create(
          StateConfigMap.encode(
              RemediationState.initial(fresh, 5, Map.of(), Instant.now()), Optional.empty()));

      CliProcess.Run dry = gc(cluster, "--dry-run");
      assertEquals(0, dry.code(), dry.err());
      for (String task : expired) {
        assertNull(mark(client, cluster, task), task + " marked by a dry run");
      }

      CliProcess.Run first = gc(cluster);
      assertEquals(0, first.code(), first.err());
      assertTrue(Integer.parseInt(result("marked")) >= 2, first.out());
      for (String task : expired) {
        assertNotNull(mark(client, cluster, task), task + " not marked");
      }
      assertNull(mark(client, cluster, fresh), "a fresh state was marked");

      CliProcess.Run second = gc(cluster);
      assertEquals(0, second.code(), second.err());
      assertTrue(Integer.parseInt(result("deleted")) >= 2, second.out());
      for (String task : expired) {
        assertNull(get(client, cluster, task), task + " still exists");
      }
      ConfigMap kept = get(client, cluster, fresh);
      assertNotNull(kept, "the fresh state was deleted");
      assertFalse(kept.getMetadata().getLabels().containsKey(StateConfigMap.LABEL_GC_MARKED));
      client.configMaps().inNamespace(cluster.namespace()).resource(kept).delete();
    }
  }

  private CliProcess.Run gc(TestCluster cluster, String... extra) throws Exception {
    String[] args = new String[extra.length + 7];
    args[0] = "gc";
    args[1] = "--ttl";
    args[2] = "1d";
    args[3] = "--grace";
    args[4] = "0s";
    args[5] = "--results-dir";
    args[6] = results.toString();
    System.arraycopy(extra, 0, args, 7, extra.length);
    return CliProcess.run(cluster, Map.of(), args);
  }

  private String result(String name) throws Exception {
    return Files.readString(results.resolve(name));
  }

  private static ConfigMap get(KubernetesClient client, TestCluster cluster, String task) {
    return client
        .configMaps()
        .inNamespace(cluster.namespace())
        .withName("task-" + task + "-state")
        .get();
  }

  private static String mark(KubernetesClient client, TestCluster cluster, String task) {
    ConfigMap cm = get(client, cluster, task);
    return cm.getMetadata().getLabels().get(StateConfigMap.LABEL_GC_MARKED);
  }
}
