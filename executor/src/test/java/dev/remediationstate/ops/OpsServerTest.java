package dev.remediationstate.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.serve.ServeMetrics;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpsServerTest {
  private final AtomicBoolean ready = new AtomicBoolean(false);
  private final ServeMetrics metrics = new ServeMetrics();
  private final OpsServer server =
      new OpsServer(new InetSocketAddress("127.0.0.1", 0), () -> true, ready::get, metrics);
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void readyzFollowsTheComponents() throws Exception {
    assertEquals(503, get("/readyz").statusCode());
    ready.set(true);
    assertEquals(200, get("/readyz").statusCode());
    assertEquals(200, get("/livez").statusCode());
    assertEquals(200, get("/healthz").statusCode());
  }

  @Test
  void metricsUseControllerRuntimeNamesInTheTextFormat() throws Exception {
    metrics.reconcileTotal.labelValues("customrun", "success").inc();
    metrics.leader.labelValues("remediation-state-serve").set(1);
    HttpResponse<String> response = get("/metrics");
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Content-Type").get().startsWith("text/plain"));
    assertTrue(
        response
            .body()
            .contains(
                "controller_runtime_reconcile_total{controller=\"customrun\",result=\"success\"} 1.0"),
        response.body());
    assertTrue(
        response
            .body()
            .contains("leader_election_master_status{name=\"remediation-state-serve\"} 1.0"));
  }

  @Test
  void unknownPathsAre404AndWritesAre405() throws Exception {
    assertEquals(404, get("/nope").statusCode());
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
  }
}
