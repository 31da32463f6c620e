package dev.remediationstate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped RBAC, judged by the real API server's RBAC authorizer: the YAML files in {@code
 * tasks/} themselves are applied (not copies), tokens are minted with the TokenRequest API, and the
 * real CLI runs as a separate process with nothing but that token (no admin kubeconfig, no {@code
 * ~/.kube}). Every action succeeds with the executor's identity and gc with the gc identity; a verb
 * a Role lacks fails with exit code 5 and a message naming the verb to grant; Secrets are out of
 * reach of both.
 */
class ShippedRbacIT {
  private static TestApiServer api;
  private static String namespace;
  private static Path root;

  @TempDir Path work;

  @BeforeAll
  static void install() throws IOException {
    api = TestApiServer.shared();
    root = TestApiServer.projectRoot();
    namespace = api.createNamespace("rbac");
    for (String file :
        List.of(
            "tasks/rbac/service-account.yaml",
            "tasks/rbac/role.yaml",
            "tasks/rbac/role-binding.yaml",
            "tasks/rbac/gc.yaml",
            "tasks/gc/0.1/gc-cronjob.yaml")) {
      try (InputStream in = Files.newInputStream(root.resolve(file))) {
        for (HasMetadata doc : api.adminClient().load(in).items()) {
          api.adminClient().resource(doc).inNamespace(namespace).create();
        }
      }
    }
  }

  private Map<String, String> identity(String serviceAccount) throws IOException {
    String token = api.tokenFor(namespace, serviceAccount);
    TestApiServer.awaitAllowed(api.clientFor(namespace, token), namespace, "get", "configmaps");
    Path home = Files.createDirectories(work.resolve("home-" + serviceAccount));
    Path kubeconfig = api.kubeconfigFor(namespace, token, work.resolve(serviceAccount + ".yaml"));
    Map<String, String> env = new HashMap<>();
    env.put("KUBECONFIG", kubeconfig.toString());
    env.put("HOME", home.toString());
    env.put("RS_NAMESPACE", namespace);
    return env;
  }

  private static CliProcess.Run cli(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    return CliProcess.run(env, args);
  }

  @Test
  void everyActionRunsWithTheExecutorRoleAlone() throws Exception {
    Map<String, String> executor = identity("remediation-state");
    String task = TestCluster.uniqueTaskId("rbac");
    Map<String, String> env = new HashMap<>(executor);
    env.put("RS_TASK_ID", task);
    env.put("RS_RESULTS_DIR", Files.createDirectories(work.resolve("results")).toString());
    assertSucceeds(cli(env, "init", "--max-iterations", "3"));
    assertSucceeds(cli(env, "next-iteration", "--request-id", "rbac-1"));
    assertSucceeds(
        cli(
            env,
            "record-feedback",
            "--request-id",
            "rbac-2",
            "--feedback",
            "{\"severity\":\"low\",\"issueType\":\"other\",\"description\":\"naming\","
                + "\"sourceRef\":\"r-1\"}"));
    assertSucceeds(cli(env, "gate"));
    assertSucceeds(cli(env, "show"));
    assertSucceeds(cli(env, "recover"));
  }

  @Test
  void gcRunsWithTheGcRoleAlone() throws Exception {
    Map<String, String> gc = identity("remediation-state-gc");
    CliProcess.Run run = cli(gc, "gc", "--ttl", "1m", "--grace", "1m");
    assertSucceeds(run);
  }

  @Test
  void aVerbTheRoleLacksIsRefusedWithExitFiveNamingIt() throws Exception {
    // The executor's Role has no list: gc with it is refused, and the message names the grant.
    CliProcess.Run gcAsExecutor = cli(identity("remediation-state"), "gc", "--ttl", "1m");
    assertEquals(5, gcAsExecutor.code(), gcAsExecutor.err());
    assertTrue(gcAsExecutor.err().contains("'list' on configmaps"), gcAsExecutor.err());

    // The gc Role has no create: init with it is refused the same way.
    Map<String, String> env = new HashMap<>(identity("remediation-state-gc"));
    env.put("RS_TASK_ID", TestCluster.uniqueTaskId("rbac"));
    CliProcess.Run initAsGc = cli(env, "init");
    assertEquals(5, initAsGc.code(), initAsGc.err());
    assertTrue(initAsGc.err().contains("'create' on configmaps"), initAsGc.err());
    assertEquals(1, initAsGc.err().strip().lines().count(), "one line on stderr");
  }

  @Test
  void secretsAreOutOfReachOfBothIdentities() {
    for (String account : List.of("remediation-state", "remediation-state-gc")) {
      try (KubernetesClient client = api.clientFor(namespace, api.tokenFor(namespace, account))) {
        KubernetesClientException refused =
            org.junit.jupiter.api.Assertions.assertThrows(
                KubernetesClientException.class, () -> client.secrets().list());
        assertEquals(403, refused.getCode(), account);
        assertTrue(
            refused.getMessage().contains("cannot list resource \"secrets\""),
            refused.getMessage());
      }
    }
  }

  private static void assertSucceeds(CliProcess.Run run) {
    assertEquals(0, run.code(), run.err());
  }
}
