package dev.remediationstate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.kube.ConfigMapGcEdges;
import dev.remediationstate.store.ConflictException;
import dev.remediationstate.store.StateConfigMap;
import dev.remediationstate.store.StateObject;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The facts of the real API server that the executor's arithmetic and error handling stand on,
 * checked against the server itself rather than assumed: the 1 MiB ConfigMap limit and how it
 * counts ({@link StateObject#apiSize} must agree byte for byte), delete preconditions, and writes
 * into a namespace that is being deleted.
 */
class ApiServerLimitsIT {
  private static TestApiServer api;
  private static KubernetesClient admin;
  private static String namespace;

  @BeforeAll
  static void start() {
    api = TestApiServer.shared();
    admin = api.adminClient();
    namespace = api.createNamespace("limits");
  }

  private static ConfigMap withData(String name, int dataBytes, int binaryBytes) {
    ConfigMapBuilder cm = new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata();
    if (dataBytes > 0) {
      cm.withData(Map.of("state.json", "x".repeat(dataBytes)));
    }
    if (binaryBytes > 0) {
      cm.withBinaryData(
          Map.of("feedback.json.gz", Base64.getEncoder().encodeToString(new byte[binaryBytes])));
    }
    return cm.build();
  }

  @Test
  void theServerCountsDataPlusDecodedBinaryDataUpToExactlyOneMebibyte() {
    long limit = StateConfigMap.API_LIMIT;
    int half = (int) (limit / 2);
    ConfigMap atLimit = withData("at-limit", half, (int) limit - half);
    assertEquals(
        limit,
        new StateObject("at-limit", null, null, atLimit.getData(), decoded(atLimit), null, null)
            .apiSize());
    admin.configMaps().inNamespace(namespace).resource(atLimit).create();

    ConfigMap over = withData("over-limit", half + 1, (int) limit - half);
    KubernetesClientException refused =
        assertThrows(
            KubernetesClientException.class,
            () -> admin.configMaps().inNamespace(namespace).resource(over).create());
    assertEquals(422, refused.getCode());
    assertTrue(refused.getMessage().contains("Too long"), refused.getMessage());
    assertTrue(StateConfigMap.BUDGET < limit, "the executor's budget keeps a margin");
  }

  private static Map<String, byte[]> decoded(ConfigMap cm) {
    return Map.of(
        "feedback.json.gz", Base64.getDecoder().decode(cm.getBinaryData().get("feedback.json.gz")));
  }

  @Test
  void aDeleteWhosePreconditionsNoLongerHoldIsRefusedWith409() {
    ConfigMap created =
        admin
            .configMaps()
            .inNamespace(namespace)
            .resource(withData("precondition", 10, 0))
            .create();
    admin
        .configMaps()
        .inNamespace(namespace)
        .withName("precondition")
        .edit(cm -> new ConfigMapBuilder(cm).addToData("touched", "yes").build());
    // The production edge gc deletes with: DELETE carrying preconditions{uid, resourceVersion}.
    ConfigMapGcEdges edges = new ConfigMapGcEdges(admin, namespace);
    assertThrows(
        ConflictException.class,
        () ->
            edges.delete(
                "precondition",
                created.getMetadata().getUid(),
                created.getMetadata().getResourceVersion()));
    assertEquals(
        "yes",
        admin
            .configMaps()
            .inNamespace(namespace)
            .withName("precondition")
            .get()
            .getData()
            .get("touched"));
  }

  @Test
  void noStateCanBeCreatedInANamespaceThatIsGone() {
    String doomed = api.createNamespace("doomed");
    admin.namespaces().withName(doomed).delete();
    // Without a namespace controller the namespace stays Terminating: NamespaceLifecycle refuses
    // every create in it (403), as a real cluster does while a namespace is being deleted.
    KubernetesClientException refused =
        assertThrows(
            KubernetesClientException.class,
            () -> admin.configMaps().inNamespace(doomed).resource(withData("late", 1, 0)).create());
    assertEquals(403, refused.getCode(), refused.getMessage());
    KubernetesClientException missing =
        assertThrows(
            KubernetesClientException.class,
            () ->
                admin
                    .configMaps()
                    .inNamespace("never-created-" + doomed)
                    .resource(withData("late", 1, 0))
                    .create());
    assertEquals(404, missing.getCode(), missing.getMessage());
  }
}
