package dev.remediationstate.kube;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP proxy in front of an API server (the mock, or the real one over HTTPS) that
 * injects what a struggling real API server does, chosen per request by a {@link Plan}: answer with
 * an error without forwarding, or forward (so a write commits) and then drop the connection or
 * answer 5xx: the "committed, but the response was lost" fault the mock server cannot produce by
 * itself.
 */
final class FaultProxy implements AutoCloseable {
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "content-length",
          "host",
          "upgrade",
          "http2-settings",
          "expect",
          "transfer-encoding",
          "keep-alive");

  /** What to do with one request. */
  sealed interface Fault {}

  /** Forward and relay the answer. */
  record Pass() implements Fault {}

  /** Answer {@code code} (with {@code Retry-After} when given) without forwarding. */
  record Refuse(int code, String retryAfter) implements Fault {}

  /** Forward, then drop the connection: a write commits, its answer is lost. */
  record LoseAnswer() implements Fault {}

  /** Forward, then answer {@code code}: a write commits, the client sees a 5xx. */
  record FailAfter(int code) implements Fault {}

  @FunctionalInterface
  interface Plan {
    Fault decide(String method, String path);
  }

  static final Fault PASS = new Pass();

  private final HttpServer server;
  private final HttpClient upstream;
  private final String target;
  private volatile Plan plan = (method, path) -> PASS;
  private final AtomicInteger faults = new AtomicInteger();

  FaultProxy(String target) throws IOException {
    this(target, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
  }

  /** A proxy forwarding to {@code target} with {@code upstream} (e.g. trusting a test CA). */
  FaultProxy(String target, HttpClient upstream) throws IOException {
    this.target = target;
    this.upstream = upstream;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  void plan(Plan plan) {
    this.plan = plan;
  }

  /** Requests that met a fault other than {@link Pass}. */
  int faults() {
    return faults.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().toString();
      byte[] body = readAll(exchange.getRequestBody());
      Fault fault = plan.decide(method, exchange.getRequestURI().getPath());
      if (!(fault instanceof Pass)) {
        faults.incrementAndGet();
      }
      if (fault instanceof Refuse refuse) {
        if (refuse.retryAfter() != null) {
          exchange.getResponseHeaders().add("Retry-After", refuse.retryAfter());
        }
        send(exchange, refuse.code(), "text/plain", "injected " + refuse.code());
        return;
      }
      HttpResponse<byte[]> answer = forward(method, path, body, exchange);
      if (fault instanceof LoseAnswer) {
        return;
      }
      if (fault instanceof FailAfter after) {
        send(exchange, after.code(), "text/plain", "injected " + after.code() + " after commit");
        return;
      }
      answer
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                  exchange.getResponseHeaders().put(name, values);
                }
              });
      exchange.sendResponseHeaders(
          answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer.body());
      }
    }
  }

  private HttpResponse<byte[]> forward(
      String method, String path, byte[] body, HttpExchange exchange) throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(target + path))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                values.forEach(v -> request.header(name, v));
              }
            });
    try {
      return upstream.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static void send(HttpExchange exchange, int code, String type, String text)
      throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
