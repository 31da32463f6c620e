package dev.remediationstate.leader;

import dev.remediationstate.serve.ServeComponent;
import dev.remediationstate.serve.ServeMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer: fabric8's leader elector on a Lease. On gaining the lease it runs {@code onLead}
 * (recovery, then the controller's workers and the gc schedule) on its own thread; on losing it, or
 * when the elector ends for any other reason, it calls {@code onLost}, which ends the process (as
 * controller-runtime does): a replica that lost the lease must not write again, and the restarted
 * pod comes back as a warm standby. The lease is released on a clean stop, so the standby takes
 * over at once instead of after the lease duration.
 *
 * <p>Without settings ({@code --leader-elect=false}) {@code onLead} runs at start.
 */
public final class LeaderElection implements ServeComponent {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

  private final KubernetesClient client;
  private final LeaseSettings settings;
  private final Runnable onLead;
  private final Consumer<String> onLost;
  private final ServeMetrics metrics;
  private CompletableFuture<?> elector;
  private volatile boolean leading;
  private volatile boolean stopping;

  public LeaderElection(
      KubernetesClient client,
      LeaseSettings settings,
      Runnable onLead,
      Consumer<String> onLost,
      ServeMetrics metrics) {
    this.client = client;
    this.settings = settings;
    this.onLead = onLead;
    this.onLost = onLost;
    this.metrics = metrics;
  }

  @Override
  public String name() {
    return "leader-election";
  }

  public boolean leading() {
    return leading;
  }

  @Override
  public void start() {
    String lease = settings == null ? "none" : settings.name();
    metrics.leader.labelValues(lease).set(0);
    if (settings == null) {
      lead();
      return;
    }
    var config =
        new LeaderElectionConfigBuilder()
            .withName(settings.name())
            .withReleaseOnCancel()
            .withLock(new LeaseLock(settings.namespace(), settings.name(), settings.identity()))
            .withLeaseDuration(settings.leaseDuration())
            .withRenewDeadline(settings.renewDeadline())
            .withRetryPeriod(settings.retryPeriod())
            .withLeaderCallbacks(
                new LeaderCallbacks(
                    this::lead,
                    () -> lost("lost the lease " + settings.namespace() + "/" + settings.name()),
                    id -> LOG.info("leader is {}", id)))
            .build();
    elector = client.leaderElector().withConfig(config).build().start();
    elector.whenComplete(
        (ok, error) -> lost("leader election ended" + (error == null ? "" : ": " + error)));
    LOG.info(
        "waiting for the lease {}/{} as {}",
        settings.namespace(),
        settings.name(),
        settings.identity());
  }

  private void lead() {
    leading = true;
    metrics.leader.labelValues(settings == null ? "none" : settings.name()).set(1);
    LOG.info("leading");
    Thread thread = new Thread(this::runOnLead, "on-lead");
    thread.setDaemon(true);
    thread.start();
  }

  private void runOnLead() {
    try {
      onLead.run();
    } catch (RuntimeException e) {
      LOG.error("starting the leader's work failed: {}", e.toString(), e);
      lost("starting the leader's work failed: " + e);
    }
  }

  private void lost(String why) {
    if (settings != null) {
      metrics.leader.labelValues(settings.name()).set(0);
    }
    leading = false;
    if (!stopping) {
      onLost.accept(why);
    }
  }

  @Override
  public boolean ready() {
    return true;
  }

  @Override
  public void stop() {
    stopping = true;
    if (elector != null) {
      elector.cancel(true);
    }
  }
}
