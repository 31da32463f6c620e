package dev.remediationstate.it;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The Kubernetes API an integration test runs against. By default the suite's real test API server
 * ({@link TestApiServer}: kube-apiserver + etcd) in a fresh namespace per cluster, as its admin;
 * the test is skipped with one line where that server cannot run (no Go). With the {@code
 * real-cluster} Maven profile (system property {@code rs.it.kubeconfig}) the cluster that
 * kubeconfig names, in namespace {@code rs.it.namespace} (default {@code default}). {@link
 * #startMock()} is the fabric8 CRUD mock, for the few callers that need no real server (the image
 * build's AOT training where Go is absent). Task ids are unique per run so tests never collide.
 */
public final class TestCluster implements AutoCloseable {
  private final KubernetesMockServer server;
  private final Path kubeconfig;
  private final String namespace;

  private TestCluster(KubernetesMockServer server, Path kubeconfig, String namespace) {
    this.server = server;
    this.kubeconfig = kubeconfig;
    this.namespace = namespace;
  }

  public static TestCluster start() {
    String real = System.getProperty("rs.it.kubeconfig", "");
    if (!real.isBlank()) {
      String ns = System.getProperty("rs.it.namespace", "");
      return new TestCluster(null, Path.of(real), ns.isBlank() ? "default" : ns);
    }
    TestApiServer api = TestApiServer.shared();
    String namespace = api.createNamespace("it");
    try {
      Path kubeconfig = Files.createTempFile("rs-it-kubeconfig", ".yaml");
      kubeconfig.toFile().deleteOnExit();
      return new TestCluster(null, api.adminKubeconfigFor(namespace, kubeconfig), namespace);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fabric8 CRUD mock on loopback, namespace {@code default}. */
  public static TestCluster startMock() {
    KubernetesMockServer server = CrudMock.onLoopback();
    try {
      Path kubeconfig = Files.createTempFile("rs-it-kubeconfig", ".yaml");
      Files.writeString(
          kubeconfig,
          kubeconfigFor("http://" + server.getHostName() + ":" + server.getPort(), "default"),
          StandardCharsets.UTF_8);
      kubeconfig.toFile().deleteOnExit();
      return new TestCluster(server, kubeconfig, "default");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A kubeconfig for {@code url} with a dummy token, as a pod-less client reads it. */
  public static String kubeconfigFor(String url, String namespace) {
    return String.join(
        "\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: it",
        "  cluster:",
        "    server: " + url,
        "contexts:",
        "- name: it",
        "  context: {cluster: it, user: it, namespace: " + namespace + "}",
        "current-context: it",
        "users:",
        "- name: it",
        "  user: {token: it-token}",
        "");
  }

  public boolean isMock() {
    return server != null;
  }

  /** The mock server, for injected responses and recorded requests. Only when {@link #isMock}. */
  public KubernetesMockServer server() {
    if (server == null) {
      throw new IllegalStateException("not running against the mock API");
    }
    return server;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  public String namespace() {
    return namespace;
  }

  /** A new, independent client (its own connection pool), as a separate process would have. */
  public KubernetesClient newClient() {
    return newClient(null);
  }

  /** A new client whose requests also pass through {@code interceptor} (null: none). */
  public KubernetesClient newClient(Interceptor interceptor) {
    Config config = Config.fromKubeconfig(null, kubeconfig.toFile());
    config.setNamespace(namespace);
    KubernetesClientBuilder builder =
        new KubernetesClientBuilder()
            .withConfig(config)
            .withHttpClientFactory(new JdkHttpClientFactory());
    if (interceptor != null) {
      builder.withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("test", interceptor));
    }
    return builder.build();
  }

  public static String uniqueTaskId(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Override
  public void close() {
    if (server != null) {
      server.destroy();
    }
  }
}
