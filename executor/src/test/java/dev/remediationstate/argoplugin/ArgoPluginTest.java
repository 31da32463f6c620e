package dev.remediationstate.argoplugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.remediationstate.failure.TransientApiException;
import dev.remediationstate.serve.ActionService;
import dev.remediationstate.serve.ServeMetrics;
import dev.remediationstate.store.ConflictException;
import dev.remediationstate.store.FakeStateStore;
import dev.remediationstate.store.RetryPolicy;
import dev.remediationstate.store.StateObject;
import dev.remediationstate.store.StateStore;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArgoPluginTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "0123456789abcdef0123456789abcdef";

  @TempDir Path dir;
  private final FakeStateStore store = new FakeStateStore();
  private final HttpClient http = HttpClient.newHttpClient();
  private CountDownLatch writesAllowed;
  private volatile boolean apiDown;
  private ArgoPlugin plugin;

  /** The fake store, with every write held until {@link #writesAllowed} opens. */
  private final StateStore gatedStore =
      new StateStore() {
        @Override
        public Optional<StateObject> read(String name) {
          if (apiDown) {
            throw new TransientApiException(
                "GET configmaps/" + name + ": 503", 503, false, Optional.empty(), null);
          }
          return store.read(name);
        }

        @Override
        public StateObject create(StateObject object) throws ConflictException {
          awaitWrites();
          return store.create(object);
        }

        @Override
        public StateObject update(StateObject object, String rv) throws ConflictException {
          awaitWrites();
          return store.update(object, rv);
        }
      };

  @BeforeEach
  void start() throws Exception {
    Files.writeString(dir.resolve("token"), TOKEN + "\n");
    writesAllowed = new CountDownLatch(0);
    plugin = startPlugin(dir.resolve("token"));
  }

  private ArgoPlugin startPlugin(Path tokenFile) throws Exception {
    return startPlugin(tokenFile, Duration.ofMinutes(10));
  }

  private ArgoPlugin startPlugin(Path tokenFile, Duration giveUpAfter) throws Exception {
    ActionService actions =
        new ActionService(
            namespace -> gatedStore,
            RetryPolicy.CONFLICTS,
            RetryPolicy.TRANSIENT,
            millis -> {},
            Clock.systemUTC());
    ArgoPlugin started =
        new ArgoPlugin(
            new ArgoPlugin.Settings(
                new InetSocketAddress("127.0.0.1", 0),
                tokenFile,
                "remediation-state",
                16,
                Duration.ofMillis(300),
                Duration.ofSeconds(2),
                giveUpAfter),
            actions,
            new ServeMetrics(),
            () -> true,
            () -> true);
    started.start();
    return started;
  }

  @AfterEach
  void stop() {
    plugin.stop();
  }

  private void awaitWrites() {
    try {
      writesAllowed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private HttpResponse<String> post(ArgoPlugin target, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.port() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String request(String node, Map<String, Object> spec) throws Exception {
    Map<String, Object> ours = new LinkedHashMap<>(spec);
    ours.putIfAbsent("request-id", "uid-1/" + node);
    return JSON.writeValueAsString(
        Map.of(
            "workflow",
            Map.of("metadata", Map.of("name", "wf", "namespace", "ns", "uid", "uid-1")),
            "template",
            Map.of("name", "step", "plugin", Map.of("remediation-state", ours))));
  }

  /** As the agent: calls again while the reply is Running with a requeue (here without waiting). */
  private JsonNode execute(String node, Map<String, Object> spec) throws Exception {
    JsonNode reply = call(node, spec);
    for (int i = 0; i < 100 && reply.path("node").path("phase").asText().equals("Running"); i++) {
      Thread.sleep(20);
      reply = call(node, spec);
    }
    return reply;
  }

  private JsonNode call(String node, Map<String, Object> spec) throws Exception {
    HttpResponse<String> response =
        post(plugin, "/api/v1/template.execute", TOKEN, request(node, spec));
    assertEquals(200, response.statusCode(), response.body());
    return JSON.readTree(response.body());
  }

  private static Map<String, String> parameters(JsonNode reply) {
    Map<String, String> out = new LinkedHashMap<>();
    reply
        .path("node")
        .path("outputs")
        .path("parameters")
        .forEach(p -> out.put(p.path("name").asText(), p.path("value").asText()));
    return out;
  }

  @Test
  void runsTheActionAndRepliesWithItsResultsAsOutputParameters() throws Exception {
    JsonNode init =
        execute("wf.init", Map.of("action", "init", "task-id", "t1", "max-iterations", 3));
    assertEquals("Succeeded", init.path("node").path("phase").asText());
    assertEquals("true", parameters(init).get("created"));
    JsonNode next = execute("wf.next", Map.of("action", "next-iteration", "task-id", "t1"));
    assertEquals(
        Map.of(
            "iteration", "1",
            "max-iterations", "3",
            "started", "true",
            "limit-reached", "false",
            "status", "in-progress"),
        parameters(next),
        next.toString());
    assertTrue(next.path("requeue").isMissingNode());
  }

  @Test
  void theSameNodeSentAgainChangesNothing() throws Exception {
    execute("wf.init", Map.of("action", "init", "task-id", "t1"));
    JsonNode first = execute("wf[0].next", Map.of("action", "next-iteration", "task-id", "t1"));
    int writes = store.writes().size();
    JsonNode again = execute("wf[0].next", Map.of("action", "next-iteration", "task-id", "t1"));
    assertEquals(parameters(first), parameters(again));
    assertEquals(writes, store.writes().size());
    JsonNode retry = execute("wf[0].next(1)", Map.of("action", "next-iteration", "task-id", "t1"));
    assertEquals("2", parameters(retry).get("iteration"));
  }

  @Test
  void anotherPluginsTemplateGetsTheEmptyReply() throws Exception {
    String body =
        "{\"workflow\":{\"metadata\":{\"name\":\"wf\",\"namespace\":\"ns\",\"uid\":\"u\"}},"
            + "\"template\":{\"name\":\"hello\",\"plugin\":{\"hello\":{}}}}";
    HttpResponse<String> response = post(plugin, "/api/v1/template.execute", TOKEN, body);
    assertEquals(200, response.statusCode());
    assertEquals("{}", response.body());
    assertTrue(store.writes().isEmpty());
  }

  @Test
  void aWrongParameterFailsTheNodeWithOneLineNamingIt() throws Exception {
    JsonNode reply = execute("wf.x", Map.of("action", "next-iteration", "task-id", "t1", "x", 1));
    assertEquals("Failed", reply.path("node").path("phase").asText());
    assertTrue(reply.path("node").path("message").asText().startsWith("x: "), reply.toString());
    JsonNode noState = execute("wf.y", Map.of("action", "next-iteration", "task-id", "absent"));
    assertEquals("Failed", noState.path("node").path("phase").asText(), noState.toString());
  }

  @Test
  void aMissingOrWrongTokenIs401AndRunsNothing() throws Exception {
    String body = request("wf.init", Map.of("action", "init", "task-id", "t1"));
    assertEquals(401, post(plugin, "/api/v1/template.execute", "wrong", body).statusCode());
    assertEquals(401, post(plugin, "/api/v1/template.execute", null, body).statusCode());
    assertTrue(store.writes().isEmpty());
  }

  @Test
  void unknownPathsAre404AndABrokenBodyIs400() throws Exception {
    assertEquals(404, post(plugin, "/api/v1/template.other", TOKEN, "{}").statusCode());
    assertEquals(400, post(plugin, "/api/v1/template.execute", TOKEN, "{\"a\":").statusCode());
  }

  @Test
  void notReadyWhileTheTokenFileIsAbsentThen503() throws Exception {
    Path later = dir.resolve("later-token");
    ArgoPlugin waiting = startPlugin(later);
    try {
      assertFalse(waiting.ready());
      String body = request("wf.init", Map.of("action", "init", "task-id", "t1"));
      assertEquals(503, post(waiting, "/api/v1/template.execute", TOKEN, body).statusCode());
      Files.writeString(later, TOKEN);
      assertTrue(waiting.ready());
      assertEquals(200, post(waiting, "/api/v1/template.execute", TOKEN, body).statusCode());
    } finally {
      waiting.stop();
    }
  }

  @Test
  void workLongerThanTheBudgetRepliesRunningWithRequeueThenTheResults() throws Exception {
    execute("wf.init", Map.of("action", "init", "task-id", "t1"));
    writesAllowed = new CountDownLatch(1);
    Map<String, Object> next = Map.of("action", "next-iteration", "task-id", "t1");
    JsonNode running = call("wf.next", next);
    assertEquals("Running", running.path("node").path("phase").asText(), running.toString());
    assertEquals("2s", running.path("requeue").asText());
    assertEquals("Running", call("wf.next", next).path("node").path("phase").asText());
    writesAllowed.countDown();
    JsonNode done = execute("wf.next", next);
    assertEquals("Succeeded", done.path("node").path("phase").asText(), done.toString());
    assertEquals("1", parameters(done).get("iteration"));
    assertEquals(2, store.writes().size());
  }

  @Test
  void anUnavailableApiRequeuesUntilTheGiveUpLimitThenFailsTheNode() throws Exception {
    execute("wf.init", Map.of("action", "init", "task-id", "t1"));
    plugin.stop();
    plugin = startPlugin(dir.resolve("token"), Duration.ofMillis(400));
    apiDown = true;
    Map<String, Object> next = Map.of("action", "next-iteration", "task-id", "t1");
    JsonNode first = call("wf.next", next);
    assertEquals("Running", first.path("node").path("phase").asText(), first.toString());
    assertEquals("2s", first.path("requeue").asText());
    JsonNode reply = first;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (reply.path("node").path("phase").asText().equals("Running")
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
      reply = call("wf.next", next);
    }
    assertEquals("Failed", reply.path("node").path("phase").asText(), reply.toString());
    String message = reply.path("node").path("message").asText();
    assertTrue(message.endsWith("; gave up after 400ms of transient failures"), message);
    assertTrue(reply.path("requeue").isMissingNode(), reply.toString());
    // The step's retry is a new node, so a new request id; with the API back it runs once.
    apiDown = false;
    JsonNode retry = execute("wf.next(1)", next);
    assertEquals("Succeeded", retry.path("node").path("phase").asText(), retry.toString());
    assertEquals("1", parameters(retry).get("iteration"));
  }

  @Test
  void probesAndMetricsShareThePort() throws Exception {
    HttpResponse<String> ready =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plugin.port() + "/readyz"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, ready.statusCode());
    post(plugin, "/api/v1/template.execute", "wrong", "{}");
    HttpResponse<String> metrics =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plugin.port() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertTrue(
        metrics.body().contains("remediation_plugin_requests_total{code=\"401\"} 1.0"),
        metrics.body());
  }
}
