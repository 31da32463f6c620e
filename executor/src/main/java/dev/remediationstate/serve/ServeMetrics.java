package dev.remediationstate.serve;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Every metric of {@code serve}, on one registry of its own. Controller metrics use
 * controller-runtime's names and labels so that stock dashboards work ({@code
 * controller_runtime_*}, {@code workqueue_*}, {@code leader_election_master_status}); domain
 * metrics are {@code remediation_*}, in base units, with low-cardinality labels only (no loop ids).
 */
public final class ServeMetrics {
  /** controller-runtime's reconcile-time buckets, 5 ms to 60 s. */
  private static final double[] RECONCILE_BOUNDS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9,
    1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50,
    60
  };

  /** client-go's workqueue buckets: 1 µs to 10 s, ten-fold. */
  private static final double[] QUEUE_BOUNDS = {
    1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();

  public final Counter reconcileTotal =
      Counter.builder()
          .name("controller_runtime_reconcile_total")
          .help("Total number of reconciliations per controller")
          .labelNames("controller", "result")
          .register(registry);
  public final Counter reconcileErrors =
      Counter.builder()
          .name("controller_runtime_reconcile_errors_total")
          .help("Total number of reconciliation errors per controller")
          .labelNames("controller")
          .register(registry);
  public final Histogram reconcileTime =
      Histogram.builder()
          .name("controller_runtime_reconcile_time_seconds")
          .help("Length of time per reconciliation per controller")
          .labelNames("controller")
          .classicOnly()
          .classicUpperBounds(RECONCILE_BOUNDS)
          .register(registry);
  public final Gauge maxConcurrentReconciles =
      Gauge.builder()
          .name("controller_runtime_max_concurrent_reconciles")
          .help("Maximum number of concurrent reconciles per controller")
          .labelNames("controller")
          .register(registry);
  public final Gauge activeWorkers =
      Gauge.builder()
          .name("controller_runtime_active_workers")
          .help("Number of currently used workers per controller")
          .labelNames("controller")
          .register(registry);
  public final Gauge queueDepth =
      Gauge.builder()
          .name("workqueue_depth")
          .help("Current depth of workqueue")
          .labelNames("name")
          .register(registry);
  public final Counter queueAdds =
      Counter.builder()
          .name("workqueue_adds_total")
          .help("Total number of adds handled by workqueue")
          .labelNames("name")
          .register(registry);
  public final Counter queueRetries =
      Counter.builder()
          .name("workqueue_retries_total")
          .help("Total number of retries handled by workqueue")
          .labelNames("name")
          .register(registry);
  public final Histogram queueDuration =
      Histogram.builder()
          .name("workqueue_queue_duration_seconds")
          .help("How long in seconds an item stays in workqueue before being requested")
          .labelNames("name")
          .classicOnly()
          .classicUpperBounds(QUEUE_BOUNDS)
          .register(registry);
  public final Histogram workDuration =
      Histogram.builder()
          .name("workqueue_work_duration_seconds")
          .help("How long in seconds processing an item from workqueue takes")
          .labelNames("name")
          .classicOnly()
          .classicUpperBounds(QUEUE_BOUNDS)
          .register(registry);
  public final Gauge leader =
      Gauge.builder()
          .name("leader_election_master_status")
          .help("Gauge of if the reporting system is master of the relevant lease, 0 or 1")
          .labelNames("name")
          .register(registry);

  public final Counter actions =
      Counter.builder()
          .name("remediation_actions_total")
          .help(
              "Actions run by serve, by action and outcome (ok, replayed-or-unchanged, error kind)")
          .labelNames("action", "outcome")
          .register(registry);
  public final Counter iterations =
      Counter.builder()
          .name("remediation_iterations_total")
          .help("next-iteration results, by outcome (started, limit-reached)")
          .labelNames("outcome")
          .register(registry);
  public final Counter limitReached =
      Counter.builder()
          .name("remediation_limit_reached_total")
          .help("next-iteration calls that found the iteration limit reached")
          .register(registry);
  public final Counter gateDecisions =
      Counter.builder()
          .name("remediation_gate_decisions_total")
          .help("Gate decisions, by decision (continue, complete, stop)")
          .labelNames("decision")
          .register(registry);
  public final Counter customRuns =
      Counter.builder()
          .name("remediation_customruns_total")
          .help("CustomRuns finished by this controller, by final reason")
          .labelNames("reason")
          .register(registry);
  public final Counter statusConflicts =
      Counter.builder()
          .name("remediation_status_conflicts_total")
          .help("CustomRun status writes refused with 409 and requeued")
          .register(registry);
  public final Counter gcRuns =
      Counter.builder()
          .name("remediation_gc_runs_total")
          .help("In-process gc runs, by result (ok, partial, failed, skipped)")
          .labelNames("result")
          .register(registry);
  public final Counter gcDeleted =
      Counter.builder()
          .name("remediation_gc_deleted_total")
          .help("Objects deleted by in-process gc")
          .register(registry);
  public final Gauge gcLastRun =
      Gauge.builder()
          .name("remediation_gc_last_run_timestamp_seconds")
          .help("When in-process gc last finished, Unix seconds")
          .register(registry);
  public final Gauge damagedStates =
      Gauge.builder()
          .name("remediation_damaged_states")
          .help("State ConfigMaps found damaged by the last recovery on start")
          .register(registry);
  public final Counter repairedStates =
      Counter.builder()
          .name("remediation_repaired_states_total")
          .help("State ConfigMaps repaired on start (--repair-on-start)")
          .register(registry);

  public PrometheusRegistry registry() {
    return registry;
  }

  /** Writes the metrics in the Prometheus text exposition format (0.0.4). */
  public void writeText(OutputStream out) throws IOException {
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
  }

  public static String contentType() {
    return PrometheusTextFormatWriter.CONTENT_TYPE;
  }
}
