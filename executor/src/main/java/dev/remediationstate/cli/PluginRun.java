package dev.remediationstate.cli;

import dev.remediationstate.argoplugin.ArgoPlugin;
import dev.remediationstate.failure.ExitCode;
import dev.remediationstate.failure.InvalidInputException;
import dev.remediationstate.kube.ConfigMapStateStore;
import dev.remediationstate.kube.KubeConnection;
import dev.remediationstate.log.LogLevels;
import dev.remediationstate.serve.ActionService;
import dev.remediationstate.serve.Serve;
import dev.remediationstate.serve.ServeMetrics;
import dev.remediationstate.store.RetryPolicy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * {@code serve --argo-plugin}: the Argo executor plugin sidecar ({@link ArgoPlugin}) as the only
 * component of {@link Serve}. It sits in every agent pod of its namespace, so it starts small: the
 * API client is built on the first plugin step, not at start, and there is no controller, gc,
 * leader election or second port. Each step works in its workflow's namespace with the plugin's
 * service account ({@code <plugin>-executor-plugin}).
 */
final class PluginRun {
  /** The sidecar runs with a 48 MiB heap: 2 MiB of snapshots. */
  private static final long PLUGIN_SNAPSHOT_BYTES = 2L << 20;

  private static final Logger LOG = LoggerFactory.getLogger(PluginRun.class);

  /** The agent gives each call 30 s; the reply must be sent before that. */
  private static final Duration AGENT_TIMEOUT = Duration.ofSeconds(30);

  private final ServeCommand options;
  private final Wiring wiring;
  private KubeConnection.Connected connected;

  PluginRun(ServeCommand options, Wiring wiring) {
    this.options = options;
    this.wiring = wiring;
  }

  int call() throws InterruptedException {
    if (options.verbose) {
      LogLevels.set(Level.DEBUG);
    }
    MDC.put("component", "argo-plugin");
    int port = options.pluginPort;
    if (port != 0 && (port <= 10000 || port > 65535)) {
      throw new InvalidInputException(
          "plugin-port", port + " is not above 10000 (the agent's pod network is shared)");
    }
    if (options.pluginWorkers < 1 || options.pluginWorkers > 64) {
      throw new InvalidInputException(
          "plugin-workers", options.pluginWorkers + " is outside 1..64");
    }
    if (options.pluginReplyWithin.isZero()
        || options.pluginReplyWithin.compareTo(AGENT_TIMEOUT.minusSeconds(5)) > 0) {
      throw new InvalidInputException(
          "plugin-reply-within", "must be above 0 and at most 25s (the agent waits 30s)");
    }
    if (options.pluginRequeue.isZero()) {
      throw new InvalidInputException("plugin-requeue", "must be above 0");
    }
    if (options.pluginGiveUpAfter.compareTo(options.pluginRequeue) <= 0) {
      throw new InvalidInputException(
          "plugin-give-up-after", "must be longer than --plugin-requeue");
    }
    ServeMetrics metrics = new ServeMetrics();
    ActionService actions =
        new ActionService(
            namespace -> {
              KubeConnection.Connected api = connection();
              return new ConfigMapStateStore(api.client(), namespace, api.retryAfter());
            },
            RetryPolicy.CONFLICTS,
            RetryPolicy.TRANSIENT,
            wiring.sleeper(),
            wiring.clock(),
            PLUGIN_SNAPSHOT_BYTES);
    AtomicReference<Serve> serveRef = new AtomicReference<>();
    ArgoPlugin plugin =
        new ArgoPlugin(
            new ArgoPlugin.Settings(
                new InetSocketAddress(port),
                options.pluginTokenFile,
                options.pluginKey,
                options.pluginWorkers,
                options.pluginReplyWithin,
                options.pluginRequeue,
                options.pluginGiveUpAfter),
            actions,
            metrics,
            () -> !serveRef.get().stopping(),
            () -> serveRef.get().ready());
    Serve serve = new Serve(List.of(plugin));
    serveRef.set(serve);

    CountDownLatch finished = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  serve.stop(new Serve.Stop("SIGTERM", ExitCode.OK.code()));
                  try {
                    finished.await(20, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "plugin-shutdown"));
    try {
      Serve.Stop stop = serve.run();
      LOG.info("argo plugin stopped: {}", stop.reason());
      return stop.exitCode();
    } finally {
      finished.countDown();
    }
  }

  /** The API connection, made on the first plugin step (wiring closes it with the process). */
  private synchronized KubeConnection.Connected connection() {
    if (connected == null) {
      connected = wiring.connect();
    }
    return connected;
  }
}
