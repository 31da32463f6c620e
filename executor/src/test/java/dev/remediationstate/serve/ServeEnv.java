package dev.remediationstate.serve;

import dev.remediationstate.it.TestApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Where the serve ITs run: the cluster named by {@code -Dit.kubeconfig} (a real one, through the
 * Maven property), else the shared test API server ({@link TestApiServer}; skipped with one line
 * where Go is absent). Each test class gets a fresh namespace, and the CustomRun CRD of Tekton
 * v1.15.0 is installed.
 */
final class ServeEnv implements AutoCloseable {
  final Path kubeconfig;
  final KubernetesClient admin;
  final String namespace;
  private final boolean ownsClient;

  private ServeEnv(Path kubeconfig, KubernetesClient admin, String namespace, boolean ownsClient) {
    this.kubeconfig = kubeconfig;
    this.admin = admin;
    this.namespace = namespace;
    this.ownsClient = ownsClient;
  }

  static ServeEnv create(String prefix) throws Exception {
    String configured = System.getProperty("rs.it.kubeconfig", "");
    ServeEnv env;
    if (!configured.isBlank()) {
      Path kubeconfig = Path.of(configured);
      KubernetesClient admin =
          new KubernetesClientBuilder()
              .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
              .build();
      String namespace = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
      admin
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .create();
      env = new ServeEnv(kubeconfig, admin, namespace, true);
    } else {
      TestApiServer server = TestApiServer.shared();
      env =
          new ServeEnv(
              server.kubeconfig(), server.adminClient(), server.createNamespace(prefix), false);
    }
    TektonRuns.installCrd(env.admin);
    return env;
  }

  TektonRuns runs() {
    return new TektonRuns(admin, namespace);
  }

  @Override
  public void close() {
    admin.namespaces().withName(namespace).delete();
    if (ownsClient) {
      admin.close();
    }
  }
}
