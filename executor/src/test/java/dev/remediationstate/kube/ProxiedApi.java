package dev.remediationstate.kube;

import dev.remediationstate.it.CrudMock;
import dev.remediationstate.it.TestApiServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * An API server with a {@link FaultProxy} in front, and stores built exactly as production builds
 * them ({@link KubeConnection#connect(Config, String)}), pointed at the proxy: either the fabric8
 * CRUD mock ({@link #onMock}) or the suite's real kube-apiserver ({@link #onRealServer}), where the
 * proxy forwards over HTTPS and the client authenticates with the token of the shipped executor
 * ServiceAccount ({@code tasks/rbac/}) in a namespace of its own. Both transports are offered: the
 * fabric8 store ({@link #store}) and the lean one ({@link #leanStore}).
 */
final class ProxiedApi implements AutoCloseable {
  final String namespace;
  final FaultProxy proxy;

  /** A client straight to the server, past the proxy. */
  final KubernetesClient direct;

  private final KubeConnection.Connected connected;
  private final String token;
  private final Runnable shutdown;
  private LeanConfigMapStore lean;

  private ProxiedApi(
      String namespace,
      FaultProxy proxy,
      KubernetesClient direct,
      String token,
      Runnable shutdown) {
    this.namespace = namespace;
    this.proxy = proxy;
    this.direct = direct;
    this.token = token;
    this.shutdown = shutdown;
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(proxy.url())
            .withNamespace(namespace)
            .withOauthToken(token)
            .build();
    connected = KubeConnection.connect(config, namespace);
  }

  static ProxiedApi onMock() throws IOException {
    KubernetesMockServer server = CrudMock.onLoopback();
    FaultProxy proxy = new FaultProxy("http://" + server.getHostName() + ":" + server.getPort());
    KubernetesClient direct = server.createClient();
    return new ProxiedApi(
        "faults",
        proxy,
        direct,
        "test-token",
        () -> {
          direct.close();
          server.destroy();
        });
  }

  static ProxiedApi onRealServer() throws IOException, GeneralSecurityException {
    TestApiServer api = TestApiServer.shared();
    String namespace = api.createNamespace("faults");
    // The shipped executor identity: its Role, RoleBinding and ServiceAccount, as installed.
    for (String file :
        new String[] {
          "tasks/rbac/service-account.yaml", "tasks/rbac/role.yaml", "tasks/rbac/role-binding.yaml"
        }) {
      try (InputStream in = Files.newInputStream(TestApiServer.projectRoot().resolve(file))) {
        for (HasMetadata doc : api.adminClient().load(in).items()) {
          api.adminClient().resource(doc).inNamespace(namespace).create();
        }
      }
    }
    String token = api.tokenFor(namespace, "remediation-state");
    try (KubernetesClient executor = api.clientFor(namespace, token)) {
      TestApiServer.awaitAllowed(executor, namespace, "update", "configmaps");
    }
    HttpClient upstream =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(trusting(api.caCertPem()))
            .build();
    FaultProxy proxy = new FaultProxy(api.url(), upstream);
    return new ProxiedApi(namespace, proxy, api.adminClient(), token, () -> {});
  }

  private static SSLContext trusting(String caPem) throws IOException, GeneralSecurityException {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry(
        "kube-testenv-ca",
        CertificateFactory.getInstance("X.509")
            .generateCertificate(
                new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII))));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return ssl;
  }

  ConfigMapStateStore store() {
    return connected.store();
  }

  /**
   * The lean transport a pod's one-shot action uses, pointed at the proxy with the same token (the
   * proxy speaks plain HTTP; behind it the real server is reached over HTTPS).
   */
  synchronized LeanConfigMapStore leanStore() {
    if (lean == null) {
      lean = new LeanConfigMapStore(proxy.url(), token, null, namespace);
    }
    return lean;
  }

  @Override
  public void close() {
    if (lean != null) {
      lean.close();
    }
    connected.client().close();
    proxy.close();
    shutdown.run();
  }
}
