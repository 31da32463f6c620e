package dev.remediationstate.cli;

import dev.remediationstate.gc.GcEdges;
import dev.remediationstate.kube.ConfigMapGcEdges;
import dev.remediationstate.kube.InPodConnection;
import dev.remediationstate.kube.KubeConnection;
import dev.remediationstate.kube.LeanConfigMapStore;
import dev.remediationstate.log.PhaseMarks;
import dev.remediationstate.store.Sleeper;
import dev.remediationstate.store.StateStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** The real edges: the Kubernetes API (connected on first use), the system clock, real sleep. */
final class ProductionWiring implements Wiring {
  private static final Path TEKTON_RESULTS = Path.of("/tekton/results");
  private KubernetesClient client;
  private LeanConfigMapStore leanStore;

  /** In a pod, the lean store (no fabric8 on the action's path); elsewhere fabric8's. */
  @Override
  public StateStore store(String namespaceFlag) {
    PhaseMarks.mark("cli");
    var lean =
        new InPodConnection(System.getenv(), KubeConnection.SERVICE_ACCOUNT)
            .leanStore(namespaceFlag);
    StateStore store;
    if (lean.isPresent()) {
      leanStore = lean.get();
      store = lean.get();
    } else {
      KubeConnection.Connected connected =
          new KubeConnection(System.getenv(), KubeConnection.SERVICE_ACCOUNT)
              .connect(namespaceFlag);
      client = connected.client();
      store = connected.store();
    }
    PhaseMarks.mark("config");
    return PhaseMarks.marking(store);
  }

  @Override
  public GcEdges gcEdges(String namespaceFlag) {
    KubeConnection.Connected connected =
        new KubeConnection(System.getenv(), KubeConnection.SERVICE_ACCOUNT).connect(namespaceFlag);
    client = connected.client();
    return ConfigMapGcEdges.edges(connected.client(), connected.namespace());
  }

  @Override
  public KubeConnection.Connected connect() {
    KubeConnection.Connected connected =
        new KubeConnection(System.getenv(), KubeConnection.SERVICE_ACCOUNT).connect(null);
    client = connected.client();
    return connected;
  }

  @Override
  public Clock clock() {
    return Clock.tick(Clock.systemUTC(), java.time.Duration.ofMillis(1));
  }

  @Override
  public Sleeper sleeper() {
    return Sleeper.REAL;
  }

  @Override
  public InputStream stdin() {
    return System.in;
  }

  @Override
  public Map<String, String> env() {
    return System.getenv();
  }

  @Override
  public Optional<Path> defaultResultsDir() {
    return Files.isDirectory(TEKTON_RESULTS) ? Optional.of(TEKTON_RESULTS) : Optional.empty();
  }

  @Override
  public void close() {
    if (leanStore != null) {
      leanStore.close();
    }
    if (client != null) {
      client.close();
    }
  }
}
