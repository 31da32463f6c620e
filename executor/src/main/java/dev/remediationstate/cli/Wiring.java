package dev.remediationstate.cli;

import dev.remediationstate.gc.GcEdges;
import dev.remediationstate.kube.KubeConnection;
import dev.remediationstate.store.Sleeper;
import dev.remediationstate.store.StateStore;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * The edges of the process: the store, the clock, the sleeper, stdin and the default results
 * directory. {@link ProductionWiring} connects to the API; tests pass hand-written fakes.
 */
public interface Wiring extends AutoCloseable {
  /** Opens the store in the namespace given by the flag (null: resolve it). */
  StateStore store(String namespaceFlag);

  /**
   * Opens gc's edges (list, conditional patch and delete, and the store) in the namespace given by
   * the flag. Only the gc command calls it.
   */
  GcEdges gcEdges(String namespaceFlag);

  /**
   * The API connection of the long-running {@code serve} mode (the namespace is the pod's or the
   * kubeconfig context's). Only {@code serve} calls it.
   */
  KubeConnection.Connected connect();

  Clock clock();

  Sleeper sleeper();

  InputStream stdin();

  /** The process environment (tests give their own): the source of the default request id. */
  Map<String, String> env();

  /** {@code /tekton/results} when the step runs under Tekton. */
  Optional<Path> defaultResultsDir();

  @Override
  void close();
}
