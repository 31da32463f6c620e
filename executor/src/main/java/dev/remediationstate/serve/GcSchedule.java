package dev.remediationstate.serve;

import dev.remediationstate.gc.GcPolicy;
import dev.remediationstate.gc.Sweep;
import dev.remediationstate.gc.SweepObserver;
import dev.remediationstate.gc.Tally;
import dev.remediationstate.kube.ConfigMapGcEdges;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The gc action in process, on the leader only: every {@code interval} (6 h by default) one {@link
 * Sweep} per namespace of the scope, with the gc command's code and {@link GcPolicy}. The leader
 * checks often (an interval's sixth, between 1 s and 1 min) whether a run is due, and a {@link
 * GcClaim} makes sure one run happens per period across all replicas and failovers. Results go to
 * {@code /metrics} and, when objects were deleted, to a {@code Collected} Event.
 */
public final class GcSchedule implements ServeComponent {
  private static final Logger LOG = LoggerFactory.getLogger(GcSchedule.class);

  private final KubernetesClient client;
  private final WatchScope scope;
  private final GcPolicy policy;
  private final Duration interval;
  private final GcClaim claim;
  private final ServeMetrics metrics;
  private final EventSink events;
  private final EventSink.Regarding regarding;
  private final Clock clock;
  private ScheduledExecutorService scheduler;

  public GcSchedule(
      KubernetesClient client,
      WatchScope scope,
      GcPolicy policy,
      Duration interval,
      GcClaim claim,
      ServeMetrics metrics,
      EventSink events,
      EventSink.Regarding regarding,
      Clock clock) {
    this.client = client;
    this.scope = scope;
    this.policy = policy;
    this.interval = interval;
    this.claim = claim;
    this.metrics = metrics;
    this.events = events;
    this.regarding = regarding;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "gc";
  }

  @Override
  public void start() {}

  /** Starts the schedule (this replica leads). */
  public synchronized void lead() {
    if (scheduler != null) {
      return;
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(Threads.named("gc"));
    long check = Math.max(1000, Math.min(60_000, interval.toMillis() / 6));
    scheduler.scheduleWithFixedDelay(this::tick, 0, check, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      if (!claim.claim(clock.instant(), interval)) {
        return;
      }
      runOnce();
    } catch (RuntimeException e) {
      metrics.gcRuns.labelValues("failed").inc();
      LOG.error("gc run failed: {}", e.toString(), e);
    } finally {
      MDC.clear();
    }
  }

  /** One gc run over every namespace of the scope. */
  void runOnce() {
    List<String> namespaces = Namespaces.withStates(client, scope);
    long deleted = 0;
    long failed = 0;
    for (String namespace : namespaces) {
      MDC.put("action", "gc");
      MDC.put("namespace", namespace);
      Tally tally =
          new Sweep(
                  ConfigMapGcEdges.edges(client, namespace),
                  policy,
                  clock,
                  System::nanoTime,
                  SweepObserver.NONE)
              .run();
      long n = Long.parseLong(tally.results(policy.dryRun()).get("deleted"));
      deleted += policy.dryRun() ? 0 : n;
      failed += tally.failed();
      LOG.info("gc {}: {}", namespace, tally);
      if (n > 0 && !policy.dryRun()) {
        events.record(
            regarding,
            "Normal",
            "Collected",
            "gc deleted " + n + " objects in namespace " + namespace);
      }
    }
    metrics.gcDeleted.inc(deleted);
    metrics.gcRuns.labelValues(failed > 0 ? "partial" : "ok").inc();
    metrics.gcLastRun.set(clock.instant().toEpochMilli() / 1e3);
  }

  @Override
  public boolean ready() {
    return true;
  }

  @Override
  public synchronized void stop() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }
}
