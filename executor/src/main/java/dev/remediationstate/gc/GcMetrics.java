package dev.remediationstate.gc;

import dev.remediationstate.failure.InvalidInputException;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.pushgateway.Format;
import io.prometheus.metrics.exporter.pushgateway.PushGateway;
import io.prometheus.metrics.exporter.pushgateway.Scheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * The metrics of one gc run in the Prometheus text format, built with the Prometheus Java client on
 * a registry of its own (no JVM or process metrics): objects by kind and outcome, states by status,
 * distributions of iterations and sizes, the run's duration, time and failures. Only the gc command
 * loads this class.
 */
public final class GcMetrics implements SweepObserver {
  /**
   * Iteration buckets: loops usually stop within a few iterations; the limit is rarely above 20.
   */
  private static final double[] ITERATION_BOUNDS = {0, 1, 2, 3, 5, 8, 13, 21, 34, 55};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter objects =
      Counter.builder()
          .name("remediation_state_gc_objects_total")
          .help("Objects handled by the last gc run, by kind and outcome (dry runs: what would be)")
          .labelNames("kind", "outcome")
          .register(registry);
  private final Gauge states =
      Gauge.builder()
          .name("remediation_state_gc_states")
          .help("State ConfigMaps seen by the last gc run, by stored status")
          .labelNames("status")
          .register(registry);
  private final Histogram iterations =
      Histogram.builder()
          .name("remediation_state_gc_state_iterations")
          .help("Iterations of the states seen by the last gc run")
          .classicOnly()
          .classicUpperBounds(ITERATION_BOUNDS)
          .register(registry);
  private final Histogram sizes =
      Histogram.builder()
          .name("remediation_state_gc_object_size_bytes")
          .help("Sizes of the objects seen by the last gc run, as the API server counts them")
          .labelNames("kind")
          .classicOnly()
          .classicExponentialUpperBounds(1024, 4, 6)
          .register(registry);
  private final Gauge duration =
      Gauge.builder()
          .name("remediation_state_gc_duration_seconds")
          .help("Wall time of the last gc run")
          .register(registry);
  private final Gauge finished =
      Gauge.builder()
          .name("remediation_state_gc_last_run_timestamp_seconds")
          .help("When the last gc run finished (Unix time)")
          .register(registry);
  private final Gauge failed =
      Gauge.builder()
          .name("remediation_state_gc_failed_objects")
          .help("Objects the last gc run failed on")
          .register(registry);
  private final Gauge dryRun =
      Gauge.builder()
          .name("remediation_state_gc_dry_run")
          .help("1 when the last gc run was a dry run")
          .register(registry);

  @Override
  public void observed(String kind, Outcome outcome, String status, int iteration, long sizeBytes) {
    objects.labelValues(kind, outcome.value()).inc();
    sizes.labelValues(kind).observe(sizeBytes);
    if (status != null) {
      states.labelValues(status).inc();
    }
    if (iteration >= 0) {
      iterations.observe(iteration);
    }
  }

  /** Records the end of the run. */
  public void finish(Tally tally, Duration took, Instant at, boolean wasDryRun) {
    duration.set(took.toNanos() / 1e9);
    finished.set(at.toEpochMilli() / 1e3);
    failed.set(tally.failed());
    dryRun.set(wasDryRun ? 1 : 0);
  }

  /** The metrics in the Prometheus text exposition format. */
  public String text() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new IllegalStateException("metrics cannot be written to memory", e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * Replaces this job's group on the Pushgateway (PUT), grouped by namespace.
   *
   * @param url e.g. {@code http://pushgateway.monitoring:9091}
   */
  public void push(URI url, String job, String namespace) throws IOException {
    PushGateway.builder()
        .scheme("https".equals(url.getScheme()) ? Scheme.HTTPS : Scheme.HTTP)
        .address(address(url))
        .format(Format.PROMETHEUS_TEXT)
        .job(job)
        .groupingKey("namespace", namespace)
        .registry(registry)
        .connectionTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(10))
        .build()
        .push();
  }

  /** {@code host:port[/path]} of an http(s) URL, checked. */
  public static String address(URI url) {
    String scheme = url.getScheme();
    if (!("http".equals(scheme) || "https".equals(scheme))
        || url.getHost() == null
        || url.getQuery() != null
        || url.getUserInfo() != null) {
      throw new InvalidInputException(
          "pushgateway-url", "'" + url + "' must be an http or https URL like http://host:9091");
    }
    String path = url.getRawPath() == null ? "" : url.getRawPath().replaceAll("/+$", "");
    return url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "") + path;
  }
}
