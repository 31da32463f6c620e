package dev.remediationstate.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeConnectionTest {
  @TempDir Path dir;

  private Path serviceAccount(String namespace) throws IOException {
    Path sa = Files.createDirectories(dir.resolve("sa"));
    Files.writeString(sa.resolve("token"), "a-token\n");
    Files.writeString(sa.resolve("namespace"), namespace);
    return sa;
  }

  @Test
  void apiUrlAndServiceAccountDirTakeTheInPodPathOutsideAPod() throws IOException {
    Path sa = serviceAccount("team-a");
    Map<String, String> env =
        Map.of("RS_API_URL", "http://127.0.0.1:1", "RS_SERVICEACCOUNT_DIR", sa.toString());
    KubeConnection connection = new KubeConnection(env, dir.resolve("absent"));

    assertTrue(connection.inPod());
    KubeConnection.Connected connected = connection.connect(null);
    try {
      assertEquals("team-a", connected.namespace());
      assertEquals("http://127.0.0.1:1/", connected.client().getMasterUrl().toString());
      assertEquals(
          "a-token", connected.client().getConfiguration().getOauthTokenProvider().getToken());
    } finally {
      connected.client().close();
    }
  }

  @Test
  void inPodUrlIsHttpsToTheServiceHost() throws IOException {
    Path sa = serviceAccount("team-b");
    Map<String, String> env =
        Map.of("KUBERNETES_SERVICE_HOST", "fd00::1", "KUBERNETES_SERVICE_PORT", "6443");
    KubeConnection.Connected connected = new KubeConnection(env, sa).connect("flag-ns");
    try {
      assertEquals("flag-ns", connected.namespace());
      assertEquals("https://[fd00::1]:6443/", connected.client().getMasterUrl().toString());
    } finally {
      connected.client().close();
    }
  }

  @Test
  void aKubeconfigOrAMissingTokenMeansNotInPod() throws IOException {
    Path sa = serviceAccount("team-c");
    assertFalse(
        new KubeConnection(Map.of("RS_API_URL", "http://x", "KUBECONFIG", "/k"), sa).inPod());
    assertFalse(new KubeConnection(Map.of("RS_API_URL", "http://x"), dir.resolve("none")).inPod());
    assertFalse(new KubeConnection(Map.of(), sa).inPod());
  }

  @Test
  void closingTheClientStopsTheJdkClientSelectorThread() throws IOException {
    assumeTrue(Runtime.version().feature() >= 21, "java.net.http.HttpClient has close() from 21");
    Path sa = serviceAccount("team-d");
    Map<String, String> env =
        Map.of("RS_API_URL", "http://127.0.0.1:1", "RS_SERVICEACCOUNT_DIR", sa.toString());
    KubeConnection.Connected connected = new KubeConnection(env, sa).connect(null);
    long before = selectorThreads();
    assertTrue(before > 0, "the JDK client runs a selector thread");

    connected.client().close();

    assertEquals(0, selectorThreads(), "no JDK client selector thread left to stall the exit");
  }

  private static long selectorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().endsWith("SelectorManager"))
        .count();
  }

  @Test
  void noKubeconfigOutsideAPodIsAConfigurationErrorAtOnce() {
    KubeConnection connection =
        new KubeConnection(Map.of("HOME", dir.resolve("home").toString()), dir.resolve("none"));
    dev.remediationstate.failure.InvalidInputException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            dev.remediationstate.failure.InvalidInputException.class,
            () -> connection.connect(null));
    assertEquals(2, e.exitCode().code());
    assertTrue(e.getMessage().startsWith("kubeconfig: no configuration found"), e.getMessage());
  }

  @Test
  void anUnparsableOrMissingKubeconfigIsAConfigurationError() throws IOException {
    Path garbage = Files.writeString(dir.resolve("garbage"), "{{{ not: [yaml");
    for (String file : new String[] {garbage.toString(), dir.resolve("absent").toString()}) {
      KubeConnection connection =
          new KubeConnection(Map.of("KUBECONFIG", file), dir.resolve("none"));
      dev.remediationstate.failure.InvalidInputException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              dev.remediationstate.failure.InvalidInputException.class,
              () -> connection.connect(null));
      assertTrue(e.getMessage().startsWith("kubeconfig: "), e.getMessage());
    }
  }
}
