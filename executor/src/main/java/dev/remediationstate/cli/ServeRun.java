package dev.remediationstate.cli;

import dev.remediationstate.customrun.CustomRunController;
import dev.remediationstate.customrun.KubeRunSource;
import dev.remediationstate.customrun.KubeStatusWriter;
import dev.remediationstate.customrun.RunDecision;
import dev.remediationstate.failure.ExitCode;
import dev.remediationstate.failure.InvalidInputException;
import dev.remediationstate.gc.GcPolicy;
import dev.remediationstate.kube.ConfigMapStateStore;
import dev.remediationstate.kube.KubeConnection;
import dev.remediationstate.leader.LeaderElection;
import dev.remediationstate.leader.LeaseSettings;
import dev.remediationstate.log.LogLevels;
import dev.remediationstate.ops.OpsServer;
import dev.remediationstate.serve.ActionService;
import dev.remediationstate.serve.EventSink;
import dev.remediationstate.serve.GcSchedule;
import dev.remediationstate.serve.KubeEvents;
import dev.remediationstate.serve.KubeGcClaim;
import dev.remediationstate.serve.Serve;
import dev.remediationstate.serve.ServeComponent;
import dev.remediationstate.serve.ServeMetrics;
import dev.remediationstate.serve.StartupRecovery;
import dev.remediationstate.serve.WatchScope;
import dev.remediationstate.store.RetryPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * Builds {@code serve}'s components from the options and runs them until SIGTERM or the loss of the
 * lease. The wiring, in start order: ops endpoints, CustomRun controller (informers; workers on the
 * leader), gc schedule (leader), leader election (last: gaining the lease runs recovery, then
 * starts the controller's workers and gc). To add a component, build it here and add it to the
 * list.
 */
final class ServeRun {
  private static final Logger LOG = LoggerFactory.getLogger(ServeRun.class);

  private final ServeCommand options;
  private final Wiring wiring;

  ServeRun(ServeCommand options, Wiring wiring) {
    this.options = options;
    this.wiring = wiring;
  }

  int call() throws InterruptedException {
    if (options.verbose) {
      LogLevels.set(Level.DEBUG);
    }
    MDC.put("component", "serve");
    if (options.workers < 1 || options.workers > 64) {
      throw new InvalidInputException("workers", options.workers + " is outside 1..64");
    }
    GcPolicy gcPolicy =
        new GcPolicy(
            options.gcTtl,
            options.gcGrace,
            options.gcDryRun,
            options.gcDeleteUnreadable,
            options.gcPageSize,
            GcPolicy.DEFAULT_PROGRESS_EVERY);
    KubeConnection.Connected connected = wiring.connect();
    KubernetesClient client = connected.client();
    String own = connected.namespace();
    WatchScope scope = WatchScope.parse(options.namespaces, own);
    String leaseNamespace = options.leaseNamespace.isBlank() ? own : options.leaseNamespace;
    LeaseSettings lease =
        options.leaderElect
            ? new LeaseSettings(
                leaseNamespace,
                options.leaseName,
                options.identity,
                options.leaseDuration,
                options.renewDeadline,
                options.retryPeriod)
            : null;
    Clock clock = wiring.clock();
    ServeMetrics metrics = new ServeMetrics();
    KubeEvents events =
        new KubeEvents(client, options.identity.isBlank() ? "serve" : options.identity, clock);
    ActionService actions =
        new ActionService(
            namespace -> new ConfigMapStateStore(client, namespace, connected.retryAfter()),
            RetryPolicy.CONFLICTS,
            RetryPolicy.TRANSIENT,
            wiring.sleeper(),
            clock);

    AtomicReference<Serve> serveRef = new AtomicReference<>();
    List<ServeComponent> components = new ArrayList<>();
    components.add(
        new OpsServer(
            new InetSocketAddress(options.opsPort),
            () -> !serveRef.get().stopping(),
            () -> serveRef.get().ready(),
            metrics));
    CustomRunController controller = null;
    if (options.controller) {
      controller =
          new CustomRunController(
              options.customTaskApiVersion,
              options.customTaskKind,
              new KubeRunSource(
                  client,
                  scope,
                  options.customTaskApiVersion,
                  options.customTaskKind,
                  options.resync.toMillis()),
              new KubeStatusWriter(client),
              actions,
              events,
              metrics,
              new RunDecision(options.approvalPoll),
              clock,
              options.workers);
      components.add(controller);
    }
    GcSchedule gc = null;
    if (options.gc) {
      gc =
          new GcSchedule(
              client,
              scope,
              gcPolicy,
              options.gcInterval,
              new KubeGcClaim(client, leaseNamespace, options.leaseName + "-gc"),
              metrics,
              events,
              new EventSink.Regarding(
                  "coordination.k8s.io/v1", "Lease", leaseNamespace, options.leaseName, null),
              clock);
      components.add(gc);
    }
    StartupRecovery recovery =
        new StartupRecovery(client, scope, options.repairOnStart, events, metrics, clock);
    CustomRunController leaderController = controller;
    GcSchedule leaderGc = gc;
    Runnable onLead =
        () -> {
          try {
            recovery.run();
          } catch (RuntimeException e) {
            LOG.error("recovery on start failed; going on: {}", e.toString(), e);
          }
          if (leaderController != null) {
            leaderController.lead();
          }
          if (leaderGc != null) {
            leaderGc.lead();
          }
        };
    components.add(
        new LeaderElection(
            client,
            lease,
            onLead,
            why -> serveRef.get().stop(new Serve.Stop(why, ExitCode.OUTCOME_UNKNOWN.code())),
            metrics));
    Serve serve = new Serve(components);
    serveRef.set(serve);
    LOG.info(
        "serve: namespaces {}, controller {}, gc {}, leader election {}",
        scope,
        options.controller,
        options.gc,
        options.leaderElect);

    CountDownLatch finished = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              serve.stop(new Serve.Stop("SIGTERM", ExitCode.OK.code()));
              try {
                finished.await(20, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      Serve.Stop stop = serve.run();
      LOG.info("serve stopped: {}", stop.reason());
      return stop.exitCode();
    } finally {
      events.close();
      finished.countDown();
    }
  }
}
