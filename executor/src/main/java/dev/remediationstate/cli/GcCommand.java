package dev.remediationstate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gc}: marks expired states, deletes them after the grace period, reports counts as results
 * and metrics. Exit code 7 when any object failed (or the metrics could not be delivered).
 */
@Command(
    name = "gc",
    description =
        "Expire old state ConfigMaps in a namespace: mark, then delete after the grace period."
            + " Safe to run concurrently with loops and with itself.",
    mixinStandardHelpOptions = true)
final class GcCommand implements Callable<Integer> {
  @Option(
      names = {"-n", "--namespace"},
      defaultValue = "${env:RS_NAMESPACE}",
      description =
          "Namespace to clean. Default: the pod's namespace, else the kubeconfig context's."
              + " Env: RS_NAMESPACE.")
  String namespace;

  @Option(
      names = "--ttl",
      defaultValue = "${env:RS_GC_TTL:-7d}",
      converter = DurationConverter.class,
      description =
          "A state expires when its last update is older than this, e.g. 168h or 7d (default"
              + " ${DEFAULT-VALUE}). Env: RS_GC_TTL.")
  Duration ttl;

  @Option(
      names = "--grace",
      defaultValue = "${env:RS_GC_GRACE:-24h}",
      converter = DurationConverter.class,
      description =
          "Time between marking an expired object and deleting it (default ${DEFAULT-VALUE})."
              + " Env: RS_GC_GRACE.")
  Duration grace;

  @Option(
      names = "--dry-run",
      defaultValue = "${env:RS_GC_DRY_RUN:-false}",
      description = "Report what would be done; write nothing. Env: RS_GC_DRY_RUN.")
  boolean dryRun;

  @Option(
      names = "--delete-unreadable",
      defaultValue = "${env:RS_GC_DELETE_UNREADABLE:-false}",
      description =
          "Also expire states whose state.json cannot be read (aged by last_update or creation"
              + " time). Default: they are protected. Env: RS_GC_DELETE_UNREADABLE.")
  boolean deleteUnreadable;

  @Option(
      names = "--page-size",
      defaultValue = "${env:RS_GC_PAGE_SIZE:-100}",
      description = "Objects per list request (default ${DEFAULT-VALUE}). Env: RS_GC_PAGE_SIZE.")
  int pageSize;

  @Option(
      names = "--progress-every",
      defaultValue = "${env:RS_GC_PROGRESS_EVERY:-1000}",
      description =
          "A progress log line every N objects (default ${DEFAULT-VALUE})."
              + " Env: RS_GC_PROGRESS_EVERY.")
  int progressEvery;

  @Option(
      names = "--metrics-file",
      defaultValue = "${env:RS_GC_METRICS_FILE}",
      description =
          "Write the run's metrics (Prometheus text format) to this file."
              + " Env: RS_GC_METRICS_FILE.")
  Path metricsFile;

  @Option(
      names = "--pushgateway-url",
      defaultValue = "${env:RS_GC_PUSHGATEWAY_URL}",
      description =
          "Push the run's metrics to this Prometheus Pushgateway, e.g."
              + " http://pushgateway.monitoring:9091. Env: RS_GC_PUSHGATEWAY_URL.")
  URI pushgatewayUrl;

  @Option(
      names = "--pushgateway-job",
      defaultValue = "${env:RS_GC_PUSHGATEWAY_JOB:-remediation-state-gc}",
      description =
          "Job label of the pushed metrics (default ${DEFAULT-VALUE})."
              + " Env: RS_GC_PUSHGATEWAY_JOB.")
  String pushgatewayJob;

  @Option(
      names = "--results-dir",
      defaultValue = "${env:RS_RESULTS_DIR}",
      description =
          "Directory for one file per result. Default: /tekton/results when it exists."
              + " Env: RS_RESULTS_DIR.")
  Path resultsDir;

  @Option(
      names = "--results-limit",
      defaultValue = "${env:RS_RESULTS_LIMIT:-3584}",
      description =
          "Bytes of termination message the results may take (default ${DEFAULT-VALUE})."
              + " Env: RS_RESULTS_LIMIT.")
  int resultsLimit;

  @Option(
      names = {"-v", "--verbose"},
      defaultValue = "${env:RS_VERBOSE:-false}",
      description = "Debug logs and stack traces. Env: RS_VERBOSE.")
  boolean verbose;

  @Spec CommandSpec spec;

  private final Wiring wiring;

  GcCommand(Wiring wiring) {
    this.wiring = wiring;
  }

  @Override
  public Integer call() throws IOException {
    // The run lives in its own class so that loading this command (every action builds the
    // command line) never loads gc's or the Prometheus client's classes.
    return new GcRun(this, wiring).call();
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
