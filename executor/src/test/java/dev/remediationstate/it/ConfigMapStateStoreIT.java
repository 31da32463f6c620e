package dev.remediationstate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.remediationstate.action.ActionRunner;
import dev.remediationstate.action.GateAction;
import dev.remediationstate.action.InitAction;
import dev.remediationstate.action.NextIterationAction;
import dev.remediationstate.action.RecordFeedbackAction;
import dev.remediationstate.feedback.FeedbackInput;
import dev.remediationstate.kube.ConfigMapStateStore;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.ConflictException;
import dev.remediationstate.store.RetryPolicy;
import dev.remediationstate.store.StateObject;
import dev.remediationstate.store.Transaction;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConfigMapStateStoreIT {
  private static TestCluster cluster;
  private static KubernetesClient client;
  private static ConfigMapStateStore store;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start();
    client = cluster.newClient();
    store = new ConfigMapStateStore(client, cluster.namespace());
  }

  @AfterAll
  static void stop() {
    client.close();
    cluster.close();
  }

  private static StateObject object(String name, String value) {
    return new StateObject(
        name,
        Map.of("a", "b"),
        Map.of(),
        Map.of("v", value),
        Map.of("bin", new byte[] {0, 1, (byte) 255}),
        null,
        null);
  }

  @Test
  void createReadUpdateWithCompareAndSet() throws Exception {
    String name = TestCluster.uniqueTaskId("store");
    assertTrue(store.read(name).isEmpty());
    StateObject created = store.create(object(name, "1"));
    assertFalse(created.resourceVersion().isEmpty());
    assertEquals(3, store.read(name).orElseThrow().binaryData().get("bin").length);
    StateObject updated = store.update(object(name, "2"), created.resourceVersion());
    assertNotEquals(created.resourceVersion(), updated.resourceVersion());
    assertThrows(
        ConflictException.class, () -> store.update(object(name, "3"), created.resourceVersion()));
    assertEquals("2", store.read(name).orElseThrow().data().get("v"));
    assertThrows(ConflictException.class, () -> store.create(object(name, "4")));
    client.configMaps().inNamespace(cluster.namespace()).withName(name).delete();
  }

  @Test
  void everyWriteOfARealLoopCarriesTheResourceVersionItRead() throws Exception {
    List<String[]> sent = new CopyOnWriteArrayList<>();
    Interceptor recorder =
        new Interceptor() {
          @Override
          public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            sent.add(
                new String[] {request.method(), request.uri().getPath(), request.bodyString()});
          }
        };
    TaskId task = new TaskId(TestCluster.uniqueTaskId("rv"));
    try (KubernetesClient recording = cluster.newClient(recorder)) {
      ActionRunner runner =
          new ActionRunner(
              new Transaction(
                  new ConfigMapStateStore(recording, cluster.namespace()),
                  RetryPolicy.CONFLICTS,
                  ms -> {},
                  System::nanoTime,
                  Math::random),
              Clock.systemUTC());
      runner.run(task, new InitAction(task, 3, Map.of()), "i");
      runner.run(task, new NextIterationAction("n1"), "n1");
      runner.run(
          task,
          new RecordFeedbackAction(
              FeedbackInput.parse(
                  "{\"severity\":\"low\",\"issueType\":\"bug\",\"description\":\"x\"}"),
              "qa"),
          "f1");
      runner.run(task, new NextIterationAction("n2"), "n2");
      runner.run(task, new GateAction(3), "g");
    }
    ObjectMapper json = new ObjectMapper();
    int puts = 0;
    for (String[] request : sent) {
      assertNotEquals("PATCH", request[0], "no patches: " + request[1]);
      if (request[0].equals("PUT")) {
        puts++;
        JsonNode body = json.readTree(request[2]);
        assertFalse(
            body.path("metadata").path("resourceVersion").asText().isEmpty(),
            "PUT without resourceVersion: " + request[1]);
      }
    }
    assertEquals(3, puts, "next-iteration twice and record-feedback; gate had nothing to write");
    ConfigMap cm =
        client.configMaps().inNamespace(cluster.namespace()).withName(task.configMapName()).get();
    assertEquals("2", cm.getData().get("iteration"));
    client.configMaps().inNamespace(cluster.namespace()).withName(task.configMapName()).delete();
  }
}
