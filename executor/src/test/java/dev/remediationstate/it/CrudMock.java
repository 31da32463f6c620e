package dev.remediationstate.it;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/** fabric8's mock API server, started on loopback (plain HTTP) on a free port. */
public final class CrudMock {
  private CrudMock() {}

  /** The CRUD mock: objects are stored and listed, nothing is scripted. */
  public static KubernetesMockServer onLoopback() {
    return onLoopback(new KubernetesCrudDispatcher());
  }

  public static KubernetesMockServer onLoopback(Dispatcher dispatcher) {
    return onLoopback(new HashMap<>(), dispatcher);
  }

  /** {@code responses} are the scripted answers a mixed dispatcher was made with. */
  public static KubernetesMockServer onLoopback(
      Map<ServerRequest, Queue<ServerResponse>> responses, Dispatcher dispatcher) {
    KubernetesMockServer server =
        new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    return server;
  }
}
