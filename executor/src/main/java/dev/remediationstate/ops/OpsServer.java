package dev.remediationstate.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.remediationstate.serve.ServeComponent;
import dev.remediationstate.serve.ServeMetrics;
import dev.remediationstate.serve.Threads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ops endpoints on one port, served by the JDK's {@code com.sun.net.httpserver} (no dependency,
 * starts in milliseconds):
 *
 * <ul>
 *   <li>{@code /livez} (and {@code /healthz}): 200 while the process is not stopping;
 *   <li>{@code /readyz}: 200 when every component is ready (the informers have synced: true on
 *       standbys too, so a rolling update is never blocked by leadership), else 503;
 *   <li>{@code /metrics}: {@link ServeMetrics} in the Prometheus text format.
 * </ul>
 *
 * Any other path is 404; any method but GET and HEAD is 405.
 */
public final class OpsServer implements ServeComponent {
  private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);

  private final InetSocketAddress address;
  private final BooleanSupplier live;
  private final BooleanSupplier ready;
  private final ServeMetrics metrics;
  private HttpServer server;
  private ExecutorService executor;

  public OpsServer(
      InetSocketAddress address,
      BooleanSupplier live,
      BooleanSupplier ready,
      ServeMetrics metrics) {
    this.address = address;
    this.live = live;
    this.ready = ready;
    this.metrics = metrics;
  }

  @Override
  public String name() {
    return "ops";
  }

  @Override
  public void start() throws IOException {
    server = HttpServer.create(address, 64);
    executor = Executors.newFixedThreadPool(2, Threads.named("ops"));
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    LOG.info("ops endpoints on port {}", port());
  }

  /** The bound port (useful when started on port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public boolean ready() {
    return server != null;
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        reply(exchange, 405, "text/plain", "method not allowed\n");
        return;
      }
      switch (exchange.getRequestURI().getPath()) {
        case "/livez", "/healthz" -> probe(exchange, live.getAsBoolean());
        case "/readyz" -> probe(exchange, ready.getAsBoolean());
        case "/metrics" -> {
          ByteArrayOutputStream body = new ByteArrayOutputStream();
          metrics.writeText(body);
          reply(exchange, 200, ServeMetrics.contentType(), body.toByteArray());
        }
        default -> reply(exchange, 404, "text/plain", "not found\n");
      }
    }
  }

  private static void probe(HttpExchange exchange, boolean ok) throws IOException {
    reply(exchange, ok ? 200 : 503, "text/plain", ok ? "ok\n" : "not ready\n");
  }

  private static void reply(HttpExchange exchange, int code, String type, String body)
      throws IOException {
    reply(exchange, code, type, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void reply(HttpExchange exchange, int code, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(code, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
