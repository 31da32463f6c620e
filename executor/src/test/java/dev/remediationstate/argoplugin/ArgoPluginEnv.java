package dev.remediationstate.argoplugin;

import dev.remediationstate.it.TestApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The real API server of the plugin ITs: the shared test API server ({@link TestApiServer}), which
 * skips the caller with one line where none can run, plus what a plugin sidecar needs from it.
 */
final class ArgoPluginEnv {
  private static ArgoPluginEnv shared;

  private final TestApiServer server;
  final KubernetesClient admin;
  final String url;
  final String caCertPem;

  private ArgoPluginEnv(TestApiServer server) {
    this.server = server;
    this.admin = server.adminClient();
    this.url = server.url().replaceAll("/$", "");
    this.caCertPem = server.caCertPem();
  }

  static synchronized ArgoPluginEnv shared() {
    if (shared == null) {
      shared = new ArgoPluginEnv(TestApiServer.shared());
    }
    return shared;
  }

  /** A fresh namespace with {@code labels}. */
  String createNamespace(String prefix, Map<String, String> labels) {
    return server.createNamespace(prefix, labels);
  }

  /** A bound token of {@code serviceAccount} in {@code namespace} (TokenRequest, 1 h). */
  String tokenFor(String namespace, String serviceAccount) {
    return server.tokenFor(namespace, serviceAccount);
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
