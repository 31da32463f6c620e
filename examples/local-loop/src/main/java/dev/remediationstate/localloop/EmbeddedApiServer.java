package dev.remediationstate.localloop;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;

/**
 * An embedded Kubernetes API for local runs: the fabric8 mock server in CRUD mode on loopback,
 * plain HTTP. Writes a kubeconfig pointing at it, then serves until the process is killed.
 *
 * <p>Usage: {@code EmbeddedApiServer <kubeconfig-out> [port]} (port 0 or absent: any free port).
 * Not packaged into the executor jar or image.
 */
public final class EmbeddedApiServer {
  private EmbeddedApiServer() {}

  public static KubernetesMockServer start(int port) {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init(InetAddress.getLoopbackAddress(), port);
    return server;
  }

  /** A kubeconfig for {@code url} with namespace {@code namespace} and a dummy token. */
  public static String kubeconfig(String url, String namespace) {
    return String.join(
        "\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: embedded",
        "  cluster:",
        "    server: " + url,
        "contexts:",
        "- name: embedded",
        "  context:",
        "    cluster: embedded",
        "    user: embedded",
        "    namespace: " + namespace,
        "current-context: embedded",
        "users:",
        "- name: embedded",
        "  user:",
        "    token: embedded-token",
        "");
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length < 1) {
      System.err.println("usage: EmbeddedApiServer <kubeconfig-out> [port]");
      System.exit(2);
    }
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    KubernetesMockServer server = start(port);
    String url = "http://" + server.getHostName() + ":" + server.getPort();
    Path kubeconfig = Path.of(args[0]);
    Path temp = kubeconfig.resolveSibling(kubeconfig.getFileName() + ".tmp");
    Files.writeString(temp, kubeconfig(url, "default"), StandardCharsets.UTF_8);
    Files.move(temp, kubeconfig, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    System.out.println(url);
    System.out.flush();
    Runtime.getRuntime().addShutdownHook(new Thread(server::destroy));
    Thread.currentThread().join();
  }
}
