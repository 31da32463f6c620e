package dev.remediationstate.cli;

import dev.remediationstate.failure.ExitCode;
import dev.remediationstate.gc.GcEdges;
import dev.remediationstate.gc.GcMetrics;
import dev.remediationstate.gc.GcPolicy;
import dev.remediationstate.gc.Sweep;
import dev.remediationstate.gc.SweepObserver;
import dev.remediationstate.gc.Tally;
import dev.remediationstate.log.LogLevels;
import dev.remediationstate.results.ResultFiles;
import dev.remediationstate.results.StdoutJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * One run of {@link GcCommand}: validate every option and check that the results directory takes
 * files and that the largest possible results fit the limit, sweep, write the results (files and
 * the stdout line), then the metrics. Exit code 7 when any object failed or the metrics could not
 * be delivered.
 */
final class GcRun {
  private static final Logger LOG = LoggerFactory.getLogger(GcRun.class);

  private final GcCommand options;
  private final Wiring wiring;

  GcRun(GcCommand options, Wiring wiring) {
    this.options = options;
    this.wiring = wiring;
  }

  int call() throws IOException {
    LogLevels.requireValid();
    if (options.verbose) {
      LogLevels.set(Level.DEBUG);
    }
    MDC.put("action", "gc");
    GcPolicy policy =
        new GcPolicy(
            options.ttl,
            options.grace,
            options.dryRun,
            options.deleteUnreadable,
            options.pageSize,
            options.progressEvery);
    if (options.pushgatewayUrl != null) {
      GcMetrics.address(options.pushgatewayUrl);
    }
    Optional<ResultFiles> files =
        CommonOptions.resultFiles(options.resultsDir, options.resultsLimit, wiring);
    files.ifPresent(
        f -> {
          f.probe();
          f.check(Tally.largest(options.dryRun));
        });
    GcMetrics metrics =
        options.metricsFile != null || options.pushgatewayUrl != null ? new GcMetrics() : null;
    long start = System.nanoTime();
    GcEdges edges = wiring.gcEdges(CommonOptions.namespace(options.namespace));
    MDC.put("namespace", edges.namespace());
    SweepObserver observer = metrics == null ? SweepObserver.NONE : metrics;
    Tally tally = new Sweep(edges, policy, wiring.clock(), System::nanoTime, observer).run();
    if (files.isPresent()) {
      ActionCommand.writeAfterCommit(
          files.get(),
          tally.results(policy.dryRun()),
          "gc's changes are made; re-running gc is safe and reports the state it finds");
    }
    new StdoutJson(options.out()).write(tally.results(policy.dryRun()));
    boolean delivered =
        metrics == null
            || deliver(
                metrics, tally, Duration.ofNanos(System.nanoTime() - start), edges.namespace());
    if (tally.failed() > 0) {
      options
          .err()
          .println(
              "gc: "
                  + tally.failed()
                  + " of "
                  + tally.scanned()
                  + " objects failed: "
                  + String.join(", ", tally.failedNames())
                  + " (see the log lines; safe to re-run)");
      options.err().flush();
    }
    return tally.failed() > 0 || !delivered ? ExitCode.PARTIAL_FAILURE.code() : ExitCode.OK.code();
  }

  /** Writes and pushes the metrics; false (after one log line) when either failed. */
  private boolean deliver(GcMetrics metrics, Tally tally, Duration took, String namespace) {
    metrics.finish(tally, took, wiring.clock().instant(), options.dryRun);
    boolean ok = true;
    if (options.metricsFile != null) {
      try {
        writeAtomically(options.metricsFile, metrics.text());
      } catch (IOException e) {
        LOG.error("metrics-file: could not write {}: {}", options.metricsFile, e.toString());
        ok = false;
      }
    }
    if (options.pushgatewayUrl != null) {
      try {
        metrics.push(options.pushgatewayUrl, options.pushgatewayJob, namespace);
      } catch (IOException | RuntimeException e) {
        LOG.error(
            "pushgateway-url: could not push to {}: {}", options.pushgatewayUrl, e.toString());
        ok = false;
      }
    }
    return ok;
  }

  private static void writeAtomically(Path file, String text) throws IOException {
    Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".metrics.", ".tmp");
    try {
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
