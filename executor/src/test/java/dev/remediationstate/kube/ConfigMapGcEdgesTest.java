package dev.remediationstate.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.remediationstate.gc.ConfigMapPages.Page;
import dev.remediationstate.gc.GcEdges;
import dev.remediationstate.gc.GcPolicy;
import dev.remediationstate.gc.ListExpiredException;
import dev.remediationstate.gc.MetadataPatch;
import dev.remediationstate.gc.Sweep;
import dev.remediationstate.gc.SweepObserver;
import dev.remediationstate.gc.Tally;
import dev.remediationstate.it.CrudMock;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.Status;
import dev.remediationstate.store.ConflictException;
import dev.remediationstate.store.StateConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapListBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * gc's fabric8 edges against the CRUD mock API server, with injected answers where the mock is not
 * faithful: it ignores limit/continue (pages are injected, 410 included) and preconditions (a 409
 * is injected; the request body is checked for uid and resourceVersion).
 */
class ConfigMapGcEdgesTest {
  static final String SELECTOR = StateConfigMap.selector();
  KubernetesMockServer server;
  KubernetesClient client;
  ConfigMapGcEdges edges;

  /** Requests as the client sent them (the mock consumes bodies before a test can read them). */
  final List<HttpRequest> sent = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    // CRUD mode that also answers injected expectations (until used up) first.
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server = CrudMock.onLoopback(responses, new KubernetesMixedDispatcher(responses));
    io.fabric8.kubernetes.client.Config config = server.createClient().getConfiguration();
    config.setRequestRetryBackoffLimit(0);
    client =
        new KubernetesClientBuilder()
            .withConfig(config)
            .withHttpClientFactory(new JdkHttpClientFactory())
            .withHttpClientBuilderConsumer(
                b ->
                    b.addOrReplaceInterceptor(
                        "capture",
                        new Interceptor() {
                          @Override
                          public void before(
                              BasicBuilder builder, HttpRequest request, RequestTags tags) {
                            sent.add(request);
                          }
                        }))
            .build();
    edges = new ConfigMapGcEdges(client, "ns");
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  static String listPath(int limit, String continueToken) {
    return "/api/v1/namespaces/ns/configmaps?"
        + (continueToken == null ? "" : "continue=" + continueToken + "&")
        + "labelSelector="
        + URLEncoder.encode(SELECTOR, StandardCharsets.UTF_8)
        + "&limit="
        + limit;
  }

  static ConfigMap stateConfigMap(String id, Instant lastUpdate) {
    RemediationState state =
        RemediationState.initial(id, 5, Map.of(), lastUpdate)
            .withStatus(Status.COMPLETED, null, lastUpdate);
    ConfigMap cm =
        ConfigMapStateStore.toConfigMap(StateConfigMap.encode(state, Optional.empty()), null);
    cm.getMetadata().setNamespace("ns");
    cm.getMetadata().setUid("uid-" + id);
    cm.getMetadata().setResourceVersion("7");
    cm.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
    return cm;
  }

  void injectPage(int limit, String token, String next, ConfigMap... items) {
    server
        .expect()
        .get()
        .withPath(listPath(limit, token))
        .andReturn(
            200,
            new ConfigMapListBuilder()
                .withNewMetadata()
                .withContinue(next)
                .endMetadata()
                .withItems(items)
                .build())
        .once();
  }

  @Test
  void listsPageByPageWithLimitAndContinue() {
    Instant old = Instant.parse("2026-01-01T00:00:00Z");
    injectPage(2, null, "c1", stateConfigMap("a", old), stateConfigMap("b", old));
    injectPage(2, "c1", null, stateConfigMap("c", old));

    Page first = edges.list(SELECTOR, 2, null);
    assertEquals(2, first.items().size());
    assertEquals("c1", first.continueToken());
    assertEquals(Instant.parse("2026-01-01T00:00:00Z"), first.items().get(0).created());
    Page second = edges.list(SELECTOR, 2, "c1");
    assertEquals("task-c-state", second.items().get(0).object().name());
    assertNull(second.continueToken());
  }

  @Test
  void aGoneContinueTokenIsAnExpiredList() {
    server
        .expect()
        .get()
        .withPath(listPath(2, "stale"))
        .andReturn(410, new StatusBuilder().withCode(410).withReason("Expired").build())
        .once();
    assertThrows(ListExpiredException.class, () -> edges.list(SELECTOR, 2, "stale"));
  }

  @Test
  void aSweepRestartsAfter410AndHandlesEveryObjectOnce() throws Exception {
    Instant old = Instant.parse("2025-01-01T00:00:00Z");
    injectPage(2, null, "c1", stateConfigMap("a", old), stateConfigMap("b", old));
    server
        .expect()
        .get()
        .withPath(listPath(2, "c1"))
        .andReturn(410, new StatusBuilder().withCode(410).build())
        .once();
    injectPage(2, null, "d1", stateConfigMap("a", old), stateConfigMap("b", old));
    injectPage(2, "d1", null, stateConfigMap("c", old));
    GcPolicy dryRun = new GcPolicy(GcPolicy.DEFAULT_TTL, GcPolicy.DEFAULT_GRACE, true, false, 2, 1);
    Tally tally =
        new Sweep(
                ConfigMapGcEdges.edges(client, "ns"),
                dryRun,
                Clock.fixed(Instant.parse("2026-01-10T00:00:00Z"), ZoneOffset.UTC),
                System::nanoTime,
                SweepObserver.NONE)
            .run();
    assertEquals(3, tally.scanned());
    assertEquals("3", tally.results(true).get("marked"));
  }

  @Test
  void deleteSendsUidAndResourceVersionPreconditions() throws Exception {
    ConfigMap created =
        client.configMaps().inNamespace("ns").resource(stateConfigMap("a", Instant.EPOCH)).create();
    String uid = created.getMetadata().getUid();
    String rv = created.getMetadata().getResourceVersion();

    assertTrue(edges.delete("task-a-state", uid, rv));
    HttpRequest request = last("DELETE");
    JsonNode preconditions = new ObjectMapper().readTree(request.bodyString()).get("preconditions");
    assertEquals(uid, preconditions.get("uid").asText());
    assertEquals(rv, preconditions.get("resourceVersion").asText());
    assertFalse(edges.delete("task-a-state", uid, rv), "a second delete finds it gone");
  }

  @Test
  void aFailedPreconditionIsAConflict() {
    server
        .expect()
        .delete()
        .withPath("/api/v1/namespaces/ns/configmaps/task-a-state")
        .andReturn(409, new StatusBuilder().withCode(409).withReason("Conflict").build())
        .once();
    assertThrows(ConflictException.class, () -> edges.delete("task-a-state", "uid-a", "7"));
  }

  @Test
  void markAndClearPatchOnlyTheMark() throws Exception {
    ConfigMap created =
        client.configMaps().inNamespace("ns").resource(stateConfigMap("a", Instant.EPOCH)).create();
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(StateConfigMap.LABEL_GC_MARKED, "true");
    edges.patch(
        "task-a-state",
        created.getMetadata().getResourceVersion(),
        new MetadataPatch.Change(labels, Map.of()));
    ConfigMap marked = client.configMaps().inNamespace("ns").withName("task-a-state").get();
    assertEquals("true", marked.getMetadata().getLabels().get(StateConfigMap.LABEL_GC_MARKED));
    assertEquals(created.getData(), marked.getData());
    JsonNode body = new ObjectMapper().readTree(last("PATCH").bodyString());
    assertEquals(
        created.getMetadata().getResourceVersion(), body.at("/metadata/resourceVersion").asText());

    labels.put(StateConfigMap.LABEL_GC_MARKED, null);
    edges.patch(
        "task-a-state",
        marked.getMetadata().getResourceVersion(),
        new MetadataPatch.Change(labels, Map.of()));
    // RFC 7386: null removes the key. A real API server removes it; the mock stores a null value.
    JsonNode clear = new ObjectMapper().readTree(last("PATCH").bodyString());
    assertTrue(clear.at("/metadata/labels").has(StateConfigMap.LABEL_GC_MARKED));
    assertTrue(
        clear.at("/metadata/labels/" + StateConfigMap.LABEL_GC_MARKED.replace("/", "~1")).isNull());
    ConfigMap cleared = client.configMaps().inNamespace("ns").withName("task-a-state").get();
    assertNull(cleared.getMetadata().getLabels().get(StateConfigMap.LABEL_GC_MARKED));
  }

  HttpRequest last(String method) {
    for (int i = sent.size() - 1; i >= 0; i--) {
      if (sent.get(i).method().equals(method)) {
        return sent.get(i);
      }
    }
    throw new AssertionError("no " + method + " was sent");
  }

  @Test
  void aStalePatchIsAConflict() {
    client.configMaps().inNamespace("ns").resource(stateConfigMap("a", Instant.EPOCH)).create();
    server
        .expect()
        .patch()
        .withPath("/api/v1/namespaces/ns/configmaps/task-a-state")
        .andReturn(409, new StatusBuilder().withCode(409).build())
        .once();
    assertThrows(
        ConflictException.class,
        () -> edges.patch("task-a-state", "1", new MetadataPatch.Change(Map.of(), Map.of())));
  }

  @Test
  void edgesShareTheNamespace() {
    GcEdges all = ConfigMapGcEdges.edges(client, "ns");
    assertEquals("ns", all.namespace());
  }
}
