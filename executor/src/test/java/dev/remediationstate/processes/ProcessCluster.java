package dev.remediationstate.processes;

import dev.remediationstate.it.TestCluster;
import dev.remediationstate.kube.ConfigMapStateStore;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.ConflictException;
import dev.remediationstate.store.StateConfigMap;
import dev.remediationstate.store.StateObject;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A small IT harness for the process tests: the {@link TestCluster} (the real test API server, or
 * the cluster of the {@code real-cluster} profile) with a kubeconfig for child processes; and a
 * launcher for the real CLI jar ({@code rs.cli.jar}) as separate processes. Child JVMs share a CDS
 * archive made once per run and use C1 only: start-up is most of each run.
 */
final class ProcessCluster implements AutoCloseable {
  final KubernetesClient client;
  final String namespace;
  final Path kubeconfig;
  private final TestCluster cluster;
  private final Path jar =
      Path.of(System.getProperty("rs.cli.jar", "target/remediation-state-cli.jar"));
  private final Path archive;

  ProcessCluster() throws IOException, InterruptedException {
    cluster = TestCluster.start();
    namespace = cluster.namespace();
    kubeconfig = cluster.kubeconfig();
    client = cluster.newClient();
    archive = jar.resolveSibling("it-cli.jsa");
    if (!Files.exists(archive)) {
      Process p =
          start(List.of("-XX:ArchiveClassesAtExit=" + archive), "show", "--task-id", "cds-warm-up");
      p.waitFor(60, TimeUnit.SECONDS);
    }
  }

  /** Starts the CLI: {@code java [jvmArgs] -jar remediation-state-cli.jar args...}. */
  Process start(String... args) throws IOException {
    List<String> jvm = new ArrayList<>();
    if (Files.exists(archive)) {
      jvm.add("-XX:SharedArchiveFile=" + archive);
      jvm.add("-Xshare:auto");
    }
    return start(jvm, args);
  }

  private Process start(List<String> jvmArgs, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.addAll(jvmArgs);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    command.add("--namespace");
    command.add(namespace);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    builder.environment().put("RS_LOG_LEVEL", "warn");
    builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    return builder.start();
  }

  /** Stores a fresh state directly, e.g. with a limit above what {@code init} accepts. */
  void seed(TaskId task, int maxIterations) {
    RemediationState initial =
        RemediationState.initial(task.value(), maxIterations, Map.of(), Instant.now());
    StateObject object = StateConfigMap.encode(initial, Optional.empty());
    client.configMaps().inNamespace(namespace).withName(object.name()).delete();
    try {
      store().create(object);
    } catch (ConflictException e) {
      throw new IllegalStateException(object.name() + " exists right after its delete", e);
    }
  }

  /** The stored object; decoding it with {@link StateConfigMap#decode} checks every invariant. */
  StateObject stored(TaskId task) {
    return store().read(task.configMapName()).orElseThrow();
  }

  private ConfigMapStateStore store() {
    return new ConfigMapStateStore(client, namespace);
  }

  @Override
  public void close() throws IOException {
    client.close();
    cluster.close();
  }
}
