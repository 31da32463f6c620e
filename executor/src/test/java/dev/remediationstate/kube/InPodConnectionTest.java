package dev.remediationstate.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.failure.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the one-shot actions take the lean store, and how a broken pod configuration is told. */
class InPodConnectionTest {
  @TempDir Path sa;
  private final Map<String, String> env = new HashMap<>();

  @BeforeEach
  void pod() throws Exception {
    Files.writeString(sa.resolve("token"), "token-1\n");
    Files.writeString(sa.resolve("namespace"), "team-a\n");
    env.put("KUBERNETES_SERVICE_HOST", "10.96.0.1");
    env.put("RS_SERVICEACCOUNT_DIR", sa.toString());
  }

  private InPodConnection connection() {
    return new InPodConnection(env, Path.of("/nonexistent"));
  }

  @Test
  void theServiceAddressIsHttpsAndIpv6IsBracketed() {
    assertEquals("https://10.96.0.1:443", connection().apiUrl());
    env.put("KUBERNETES_SERVICE_HOST", "fd00::1");
    env.put("KUBERNETES_SERVICE_PORT", "6443");
    assertEquals("https://[fd00::1]:6443", connection().apiUrl());
    env.put("RS_API_URL", "http://127.0.0.1:8001");
    assertEquals("http://127.0.0.1:8001", connection().apiUrl());
  }

  @Test
  void plainHttpInAPodGivesTheLeanStoreInTheMountedNamespaceUnlessAFlagNamesOne() {
    env.put("RS_API_URL", "http://127.0.0.1:8001");
    try (LeanConfigMapStore store = connection().leanStore(null).orElseThrow()) {
      assertEquals("team-a", store.namespace());
    }
    try (LeanConfigMapStore store = connection().leanStore("team-b").orElseThrow()) {
      assertEquals("team-b", store.namespace());
    }
  }

  @Test
  void noLeanStoreOutsideAPodWithoutACaOrWhenFabric8IsAskedFor() throws Exception {
    assertTrue(connection().leanStore(null).isEmpty(), "https without ca.crt");
    env.put("RS_API_URL", "http://127.0.0.1:8001");
    env.put("RS_TRANSPORT", "fabric8");
    assertTrue(connection().leanStore(null).isEmpty());
    env.remove("RS_TRANSPORT");
    env.put("KUBECONFIG", "/somewhere/config");
    assertFalse(connection().inPod());
    assertTrue(connection().leanStore(null).isEmpty());
  }

  @Test
  void aBlankTokenOrAnUnusableCaIsAConfigurationErrorNamingTheFile() throws Exception {
    Files.writeString(sa.resolve("token"), "  \n");
    env.put("RS_API_URL", "http://127.0.0.1:8001");
    InvalidInputException token =
        assertThrows(InvalidInputException.class, () -> connection().leanStore(null));
    assertEquals("kubeconfig: the service-account token is unreadable", token.getMessage());
    Files.writeString(sa.resolve("token"), "token-1");
    env.remove("RS_API_URL");
    Files.writeString(sa.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\nnot base64\n");
    InvalidInputException ca =
        assertThrows(InvalidInputException.class, () -> connection().leanStore(null));
    assertEquals("kubeconfig", ca.field());
    assertTrue(ca.getMessage().contains(sa.resolve("ca.crt").toString()), ca.getMessage());
    assertFalse(ca.getMessage().contains("\n"), ca.getMessage());
  }
}
