package dev.remediationstate.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.util.HashMap;

/**
 * The fabric8 CRUD mock API server on loopback with a {@link FaultProxy} in front, and stores built
 * exactly as production builds them ({@link KubeConnection#connect(Config, String)}), pointed at
 * the proxy.
 */
final class MockApi implements AutoCloseable {
  static final String NAMESPACE = "faults";

  final KubernetesMockServer server;
  final FaultProxy proxy;
  private final KubeConnection.Connected connected;

  MockApi() throws IOException {
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    proxy = new FaultProxy("http://" + server.getHostName() + ":" + server.getPort());
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(proxy.url())
            .withNamespace(NAMESPACE)
            .withOauthToken("test-token")
            .build();
    connected = KubeConnection.connect(config, NAMESPACE);
  }

  ConfigMapStateStore store() {
    return connected.store();
  }

  @Override
  public void close() {
    connected.client().close();
    proxy.close();
    server.destroy();
  }
}
