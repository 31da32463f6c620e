package dev.remediationstate.argoplugin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.remediationstate.failure.InvalidInputException;
import dev.remediationstate.serve.ActionReply;
import dev.remediationstate.serve.ActionService;
import dev.remediationstate.serve.ServeComponent;
import dev.remediationstate.serve.ServeMetrics;
import dev.remediationstate.serve.Threads;
import io.prometheus.metrics.core.metrics.Counter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Argo executor plugin: Argo's agent calls {@code POST /api/v1/template.execute} for every
 * plugin step of the workflow, on every plugin sidecar in turn, until one replies with a node. This
 * one runs the action named by our plugin key through {@link ActionService}, exactly as the CLI
 * would, and replies with its results as output parameters ({@link PluginReply}).
 *
 * <p>One port (above 10000: the agent and every other plugin share the pod's network) serves:
 *
 * <ul>
 *   <li>{@code POST /api/v1/template.execute}: 401 without the agent's bearer token ({@link
 *       PluginToken}), 503 while not ready (the agent retries 503 for about 15 s), 400 for a body
 *       that is not a request, {@code {}} for a template without our key, else a node;
 *   <li>{@code /livez}, {@code /healthz}, {@code /readyz}, {@code /metrics} as the ops endpoints;
 *   <li>404 for any other path (the agent then never calls that method again).
 * </ul>
 *
 * A reply comes within the reply budget (below the agent's 30 s timeout): an action still running
 * then is answered {@code Running} with {@code requeue} and finishes in the background, keyed by
 * its request id ({@link PendingActions}). A request id that meets only transient failures for
 * {@code giveUpAfter} is answered {@code Failed} ({@link TransientStreaks}). Requests are served by
 * a fixed pool as large as the agent's (16 task workers); actions run on a second pool of the same
 * size. The handler holds no rule of the loop.
 */
public final class ArgoPlugin implements ServeComponent {
  private static final Logger LOG = LoggerFactory.getLogger(ArgoPlugin.class);
  private static final String EXECUTE = "/api/v1/template.execute";
  private static final int MAX_BODY_BYTES = 4 << 20;

  /** The settings of the plugin endpoint. */
  public record Settings(
      InetSocketAddress address,
      java.nio.file.Path tokenFile,
      String key,
      int workers,
      Duration replyWithin,
      Duration requeue,
      Duration giveUpAfter) {}

  private final Settings settings;
  private final ActionService actions;
  private final ServeMetrics metrics;
  private final BooleanSupplier live;
  private final BooleanSupplier ready;
  private final PluginToken token;
  private final Counter requests;
  private HttpServer server;
  private ExecutorService http;
  private ExecutorService work;
  private PendingActions pending;
  private TransientStreaks streaks;

  /**
   * {@code live} and {@code ready} are the whole process's (serve's), answered on {@code /livez}
   * and {@code /readyz}; {@link #ready()} is this component's own.
   */
  public ArgoPlugin(
      Settings settings,
      ActionService actions,
      ServeMetrics metrics,
      BooleanSupplier live,
      BooleanSupplier ready) {
    this.settings = settings;
    this.actions = actions;
    this.metrics = metrics;
    this.live = live;
    this.ready = ready;
    this.token = new PluginToken(settings.tokenFile());
    this.requests =
        Counter.builder()
            .name("remediation_plugin_requests_total")
            .help("template.execute requests of the Argo executor plugin, by HTTP status code")
            .labelNames("code")
            .register(metrics.registry());
  }

  @Override
  public String name() {
    return "argo-plugin";
  }

  @Override
  public void start() throws IOException {
    // The JDK server leaves Nagle's algorithm on unless told otherwise (read once per JVM, when
    // the first server is made): a reply sent as headers then body then waits for the client's
    // delayed ACK, about 40 ms a call. An explicit -Dsun.net.httpserver.nodelay wins.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    http = Executors.newFixedThreadPool(settings.workers(), Threads.named("plugin-http"));
    work = Executors.newFixedThreadPool(settings.workers(), Threads.named("plugin-action"));
    pending =
        new PendingActions(work, settings.replyWithin(), Duration.ofMinutes(10), System::nanoTime);
    streaks =
        new TransientStreaks(settings.giveUpAfter(), Duration.ofMinutes(10), System::nanoTime);
    server = HttpServer.create(settings.address(), 64);
    server.setExecutor(http);
    server.createContext("/", this::handle);
    server.start();
    if (!token.loaded()) {
      LOG.warn("plugin token {} is not readable yet; not ready until it is", token.file());
    }
    LOG.info("argo executor plugin '{}' on port {}", settings.key(), port());
  }

  /** The bound port (useful when started on port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public boolean ready() {
    return server != null && token.loaded();
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop(0);
      http.shutdownNow();
      work.shutdownNow();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      switch (path) {
        case EXECUTE -> {
          int code = execute(exchange, method);
          requests.labelValues(Integer.toString(code)).inc();
        }
        case "/livez", "/healthz" -> probe(exchange, method, live.getAsBoolean());
        case "/readyz" -> probe(exchange, method, ready.getAsBoolean());
        case "/metrics" -> {
          ByteArrayOutputStream body = new ByteArrayOutputStream();
          metrics.writeText(body);
          reply(exchange, 200, ServeMetrics.contentType(), body.toByteArray());
        }
        default -> text(exchange, 404, "not found\n");
      }
    } catch (RuntimeException e) {
      LOG.error("plugin request failed: {}", e.toString(), e);
    }
  }

  private int execute(HttpExchange exchange, String method) throws IOException {
    if (!method.equals("POST")) {
      return text(exchange, 405, "method not allowed\n");
    }
    if (!ready()) {
      return text(exchange, 503, "not ready\n");
    }
    if (!token.accepts(exchange.getRequestHeaders().getFirst("Authorization"))) {
      return text(exchange, 401, "unauthorized: the bearer token is not this plugin's\n");
    }
    byte[] bytes;
    try (InputStream in = exchange.getRequestBody()) {
      bytes = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (bytes.length > MAX_BODY_BYTES) {
      return text(exchange, 413, "request body over " + MAX_BODY_BYTES + " bytes\n");
    }
    ObjectMapper json = Json.MAPPER;
    Optional<PluginCall> call;
    try {
      call = PluginCall.read(json.readTree(bytes), settings.key());
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return text(exchange, 400, "not a template.execute request: " + oneLine(e) + "\n");
    } catch (InvalidInputException e) {
      LOG.info("plugin step refused: {}", e.getMessage());
      return json(
          exchange,
          PluginReply.of(
              json,
              new ActionReply.Failed(ActionReply.Failure.INVALID_INPUT, e.field(), e.getMessage()),
              settings.requeue()));
    }
    if (call.isEmpty()) {
      return json(exchange, PluginReply.notOurs(json));
    }
    PluginCall c = call.get();
    PendingActions.Progress progress;
    try {
      progress =
          pending.await(
              c.requestId(),
              () -> actions.run(c.namespace(), c.action(), c.params(), c.requestId()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return text(exchange, 503, "stopping\n");
    }
    ObjectNode reply;
    if (progress instanceof PendingActions.Progress.Finished finished) {
      ActionReply outcome = finished.reply();
      count(c.action(), outcome);
      if (outcome instanceof ActionReply.Failed failed && failed.kind().isTransient()) {
        if (streaks.exhausted(c.requestId())) {
          LOG.warn(
              "{} {} gave up after {} of transient failures: {}",
              c.action(),
              c.requestId(),
              streaks.limit(),
              failed.message());
          reply = PluginReply.gaveUp(json, failed, streaks.limit());
        } else {
          reply = PluginReply.of(json, outcome, settings.requeue());
        }
      } else {
        streaks.end(c.requestId());
        reply = PluginReply.of(json, outcome, settings.requeue());
      }
    } else {
      Duration elapsed = ((PendingActions.Progress.StillRunning) progress).elapsed();
      LOG.info("{} {} still running after {}; requeue", c.action(), c.requestId(), elapsed);
      reply = PluginReply.stillRunning(json, elapsed, settings.requeue());
    }
    return json(exchange, reply);
  }

  private void count(String action, ActionReply reply) {
    String outcome =
        reply instanceof ActionReply.Failed failed
            ? failed.kind().name().toLowerCase(Locale.ROOT).replace('_', '-')
            : "ok";
    metrics.actions.labelValues(action, outcome).inc();
  }

  private static void probe(HttpExchange exchange, String method, boolean ok) throws IOException {
    if (!method.equals("GET") && !method.equals("HEAD")) {
      text(exchange, 405, "method not allowed\n");
      return;
    }
    text(exchange, ok ? 200 : 503, ok ? "ok\n" : "not ready\n");
  }

  private static int json(HttpExchange exchange, ObjectNode body) throws IOException {
    return reply(exchange, 200, "application/json", Json.MAPPER.writeValueAsBytes(body));
  }

  private static int text(HttpExchange exchange, int code, String body) throws IOException {
    return reply(exchange, code, "text/plain", body.getBytes(StandardCharsets.UTF_8));
  }

  private static int reply(HttpExchange exchange, int code, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(code, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
    return code;
  }

  private static String oneLine(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /** Jackson is loaded on the first request, not at start: the port is bound sooner. */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }
}
