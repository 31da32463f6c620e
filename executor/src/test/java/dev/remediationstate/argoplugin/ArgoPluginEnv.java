package dev.remediationstate.argoplugin;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real API server the plugin ITs run against: the cluster named by {@code rs.it.kubeconfig}
 * (the {@code real-cluster} profile), else one test API server ({@code kube-testenv/build.sh}:
 * kube-apiserver + etcd, RBAC and TokenRequest on) started once per test JVM and stopped with it.
 * Skips with one line where Go is absent.
 *
 * <p>A stand-in until the shared harness ({@code dev.remediationstate.it.TestApiServer}) is on this
 * branch: the same operations, so switching is a change of this class only.
 */
final class ArgoPluginEnv {
  private static ArgoPluginEnv shared;

  final Path kubeconfig;
  final KubernetesClient admin;
  final String url;
  final String caCertPem;

  private ArgoPluginEnv(Path kubeconfig) throws IOException {
    this.kubeconfig = kubeconfig;
    Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
    this.admin = new KubernetesClientBuilder().withConfig(config).build();
    this.url = config.getMasterUrl().replaceAll("/$", "");
    this.caCertPem =
        config.getCaCertData() != null
            ? new String(
                java.util.Base64.getDecoder().decode(config.getCaCertData()),
                StandardCharsets.UTF_8)
            : Files.readString(Path.of(config.getCaCertFile()));
  }

  static synchronized ArgoPluginEnv shared() throws Exception {
    if (shared != null) {
      return shared;
    }
    String configured = System.getProperty("rs.it.kubeconfig", "");
    if (!configured.isBlank()) {
      shared = new ArgoPluginEnv(Path.of(configured));
      return shared;
    }
    Path build = ArgoAgentClient.repositoryRoot().resolve("kube-testenv/build.sh");
    Process b =
        new ProcessBuilder(build.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String binary = new String(b.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    int code = b.waitFor();
    Assumptions.assumeTrue(code != 3, "kube-testenv: go is not on PATH; skipping");
    if (code != 0) {
      throw new IllegalStateException("kube-testenv/build.sh failed with " + code);
    }
    Path dir = Files.createTempDirectory("argo-plugin-apiserver");
    Process server =
        new ProcessBuilder(binary, dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("apiserver.log").toFile())
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::destroy));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.exists(dir.resolve("ready"))) {
      if (!server.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the test API server did not start: " + dir.resolve("apiserver.log"));
      }
      Thread.sleep(100);
    }
    shared = new ArgoPluginEnv(dir.resolve("admin.kubeconfig"));
    return shared;
  }

  /** A fresh namespace with {@code labels}. */
  String createNamespace(String prefix, Map<String, String> labels) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build())
        .create();
    return name;
  }

  /** A bound token of {@code serviceAccount} in {@code namespace} (TokenRequest, 1 h). */
  String tokenFor(String namespace, String serviceAccount) {
    return admin
        .serviceAccounts()
        .inNamespace(namespace)
        .withName(serviceAccount)
        .tokenRequest(
            new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
        .getStatus()
        .getToken();
  }

  /**
   * A directory laid out as a pod's service-account mount ({@code token}, {@code ca.crt}, {@code
   * namespace}), for the in-pod API path ({@code RS_SERVICEACCOUNT_DIR}).
   */
  Path serviceAccountDir(String namespace, String token) {
    try {
      Path dir = Files.createTempDirectory("argo-plugin-sa");
      Files.writeString(dir.resolve("token"), token);
      Files.writeString(dir.resolve("ca.crt"), caCertPem);
      Files.writeString(dir.resolve("namespace"), namespace);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
