package dev.remediationstate.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.failure.ApiRefusedException;
import dev.remediationstate.failure.TransientApiException;
import dev.remediationstate.kube.InPodConnection;
import dev.remediationstate.kube.KubeConnection;
import dev.remediationstate.store.ConflictException;
import dev.remediationstate.store.StateObject;
import dev.remediationstate.store.StateStore;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The store as a pod opens it, on the real test API server over HTTPS with a ServiceAccount token
 * and CA (the shipped Role and RoleBinding): both transports, the lean one ({@code
 * LeanConfigMapStore}, what the one-shot actions use in a pod) and fabric8's ({@code
 * RS_TRANSPORT=fabric8}), pass the same tests, and each reads exactly what the other wrote.
 */
class InPodStoreIT {
  private static TestApiServer api;
  private static String namespace;
  @TempDir static Path work;

  @BeforeAll
  static void install() throws IOException {
    api = TestApiServer.shared();
    namespace = api.createNamespace("inpod");
    Path root = TestApiServer.projectRoot();
    for (String file :
        List.of(
            "tasks/rbac/service-account.yaml",
            "tasks/rbac/role.yaml",
            "tasks/rbac/role-binding.yaml")) {
      try (InputStream in = Files.newInputStream(root.resolve(file))) {
        for (HasMetadata doc : api.adminClient().load(in).items()) {
          api.adminClient().resource(doc).inNamespace(namespace).create();
        }
      }
    }
  }

  /** A pod's ServiceAccount directory for {@code account}: token, ca.crt, namespace. */
  private static Path serviceAccountDir(String account) throws IOException {
    Path dir = Files.createDirectories(work.resolve("sa-" + account));
    Files.writeString(dir.resolve("token"), api.tokenFor(namespace, account));
    Files.writeString(dir.resolve("ca.crt"), api.caCertPem());
    Files.writeString(dir.resolve("namespace"), namespace);
    return dir;
  }

  private static StateStore store(String transport, String account, String url) throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("RS_API_URL", url);
    env.put("RS_SERVICEACCOUNT_DIR", serviceAccountDir(account).toString());
    if (transport.equals("fabric8")) {
      env.put("RS_TRANSPORT", "fabric8");
      assertTrue(new InPodConnection(env, Path.of("/nonexistent")).leanStore(null).isEmpty());
      return new KubeConnection(env, Path.of("/nonexistent")).connect(null).store();
    }
    return new InPodConnection(env, Path.of("/nonexistent")).leanStore(null).orElseThrow();
  }

  /** The executor's identity; waits until RBAC has seen the binding. */
  private static StateStore executor(String transport) throws IOException {
    StateStore store = store(transport, "remediation-state", api.url());
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      try {
        store.read("task-probe-state");
        return store;
      } catch (ApiRefusedException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        sleep();
      }
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static StateObject object(String name, String value) {
    return new StateObject(
        name,
        Map.of("app.kubernetes.io/name", "remediation-state"),
        Map.of("note", "ünïcødé ✓"),
        Map.of("v", value, "state.json", "{\"a\":\"\\u0000 \\\" \\n\"}"),
        Map.of("bin", new byte[] {0, 1, (byte) 255}),
        null,
        null);
  }

  @ParameterizedTest
  @ValueSource(strings = {"lean", "fabric8"})
  void createReadUpdateWithCompareAndSet(String transport) throws Exception {
    StateStore store = executor(transport);
    String name = "task-" + TestCluster.uniqueTaskId(transport) + "-state";
    assertTrue(store.read(name).isEmpty());
    StateObject created = store.create(object(name, "1"));
    assertFalse(created.resourceVersion().isEmpty());
    assertFalse(created.uid().isEmpty());
    StateObject read = store.read(name).orElseThrow();
    assertArrayEquals(new byte[] {0, 1, (byte) 255}, read.binaryData().get("bin"));
    assertEquals(object(name, "1").data(), read.data());
    assertEquals(object(name, "1").annotations(), read.annotations());
    assertEquals(object(name, "1").labels(), read.labels());
    StateObject updated = store.update(object(name, "2"), created.resourceVersion());
    assertNotEquals(created.resourceVersion(), updated.resourceVersion());
    assertThrows(
        ConflictException.class, () -> store.update(object(name, "3"), created.resourceVersion()));
    assertEquals("2", store.read(name).orElseThrow().data().get("v"));
    assertThrows(ConflictException.class, () -> store.create(object(name, "4")));
  }

  @Test
  void eachTransportReadsExactlyWhatTheOtherWrote() throws Exception {
    StateStore lean = executor("lean");
    StateStore fabric8 = executor("fabric8");
    String a = "task-" + TestCluster.uniqueTaskId("a") + "-state";
    lean.create(object(a, "x"));
    assertSame(lean.read(a), fabric8.read(a));
    String b = "task-" + TestCluster.uniqueTaskId("b") + "-state";
    StateObject created = fabric8.create(object(b, "y"));
    assertSame(fabric8.read(b), lean.read(b));
    lean.update(object(b, "z"), created.resourceVersion());
    assertSame(lean.read(b), fabric8.read(b));
    assertEquals("z", fabric8.read(b).orElseThrow().data().get("v"));
  }

  private static void assertSame(Optional<StateObject> expected, Optional<StateObject> actual) {
    StateObject e = expected.orElseThrow();
    StateObject a = actual.orElseThrow();
    assertEquals(e.name(), a.name());
    assertEquals(e.labels(), a.labels());
    assertEquals(e.annotations(), a.annotations());
    assertEquals(e.data(), a.data());
    assertEquals(e.binaryData().keySet(), a.binaryData().keySet());
    e.binaryData().forEach((k, v) -> assertArrayEquals(v, a.binaryData().get(k)));
    assertEquals(e.resourceVersion(), a.resourceVersion());
    assertEquals(e.uid(), a.uid());
  }

  @ParameterizedTest
  @ValueSource(strings = {"lean", "fabric8"})
  void aMissingGrantIsRefusedNamingTheVerb(String transport) throws Exception {
    StateStore unbound = store(transport, "no-role-" + transport, api.url());
    ApiRefusedException e =
        assertThrows(ApiRefusedException.class, () -> unbound.read("task-x-state"));
    assertEquals(403, e.httpCode());
    assertTrue(e.getMessage().contains("grant the ServiceAccount verb 'get'"), e.getMessage());
    ApiRefusedException c =
        assertThrows(ApiRefusedException.class, () -> unbound.create(object("task-y-state", "1")));
    assertTrue(c.getMessage().contains("verb 'create'"), c.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"lean", "fabric8"})
  void noAnswerIsTransientAndAWriteMayHaveCommitted(String transport) throws Exception {
    StateStore nowhere = store(transport, "remediation-state", "https://127.0.0.1:1");
    TransientApiException read =
        assertThrows(TransientApiException.class, () -> nowhere.read("task-x-state"));
    assertFalse(read.mayHaveCommitted(), read.getMessage());
    assertTrue(read.getMessage().contains("no answer"), read.getMessage());
    TransientApiException write =
        assertThrows(
            TransientApiException.class, () -> nowhere.create(object("task-x-state", "1")));
    assertTrue(write.mayHaveCommitted(), write.getMessage());
  }

  @Test
  void aBadTokenIsUnauthorized() throws Exception {
    Path dir = serviceAccountDir("remediation-state");
    Files.writeString(dir.resolve("token"), "not-a-token", StandardCharsets.UTF_8);
    Map<String, String> env =
        Map.of("RS_API_URL", api.url(), "RS_SERVICEACCOUNT_DIR", dir.toString());
    StateStore lean =
        new InPodConnection(env, Path.of("/nonexistent")).leanStore(null).orElseThrow();
    ApiRefusedException e =
        assertThrows(ApiRefusedException.class, () -> lean.read("task-x-state"));
    assertEquals(401, e.httpCode());
  }
}
