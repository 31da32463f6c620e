package dev.remediationstate.gc;

import dev.remediationstate.it.CrudMock;
import dev.remediationstate.it.TestApiServer;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.Status;
import dev.remediationstate.store.StateConfigMap;
import dev.remediationstate.store.StateObject;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The benchmark's API server (executor/bench/gc-bench.sh): the CRUD mock with real paging on
 * loopback, seeded with {@code count} state ConfigMaps of about 2 KB, {@code expiredPercent} of
 * them last updated 30 days ago, the rest now. Writes a kubeconfig, prints "ready", serves until
 * killed. With {@code --real}: the suite's real kube-apiserver ({@code TestApiServer}) instead, a
 * fresh namespace with the shipped {@code tasks/rbac/} applied, and a kubeconfig holding only the
 * gc ServiceAccount's token (TokenRequest) and the CA: HTTPS, as the CronJob's pod talks. Test
 * scope: never in the image.
 *
 * <p>Usage: {@code GcBenchServer <kubeconfig-out> <count> <expiredPercent> [--real]}
 */
public final class GcBenchServer {
  private GcBenchServer() {}

  public static void main(String[] args) throws Exception {
    Path kubeconfig = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    int expiredPercent = Integer.parseInt(args[2]);
    boolean real = args.length > 3 && args[3].equals("--real");
    KubernetesClient client;
    String namespace;
    TestApiServer api = null;
    KubernetesMockServer server = null;
    if (real) {
      api = TestApiServer.shared();
      client = api.adminClient();
      namespace = api.createNamespace("gc-bench");
      installShippedRbac(client, namespace);
    } else {
      server = CrudMock.onLoopback(new PagingCrudDispatcher());
      Runtime.getRuntime().addShutdownHook(new Thread(server::destroy));
      client = server.createClient();
      namespace = "default";
    }
    Instant now = Instant.now();
    Map<String, String> metadata = new LinkedHashMap<>();
    for (int i = 0; i < 12; i++) {
      metadata.put("key-" + i, "a value of a realistic length for pipeline metadata " + i);
    }
    long start = System.nanoTime();
    new ForkJoinPool(8)
        .submit(
            () ->
                IntStream.range(0, count)
                    .parallel()
                    .forEach(
                        i -> {
                          boolean expired = i % 100 < expiredPercent;
                          Instant at = expired ? now.minus(Duration.ofDays(30)) : now;
                          RemediationState s =
                              RemediationState.initial(
                                      String.format("bench-%06d", i), 10, metadata, at)
                                  .startIteration("req-" + i, at)
                                  .withStatus(Status.COMPLETED, "approved", at);
                          StateObject o = StateConfigMap.encode(s, Optional.empty());
                          client
                              .configMaps()
                              .inNamespace(namespace)
                              .resource(
                                  new ConfigMapBuilder()
                                      .withNewMetadata()
                                      .withName(o.name())
                                      .withLabels(o.labels())
                                      .withAnnotations(o.annotations())
                                      .endMetadata()
                                      .withData(o.data())
                                      .build())
                              .create();
                        }))
        .get();
    System.err.printf(
        "seeded %d state ConfigMaps in %.1f s%n", count, (System.nanoTime() - start) / 1e9);
    // Take the list snapshot now, as a real API server's watch cache has it ready.
    client
        .configMaps()
        .inNamespace(namespace)
        .list(
            new ListOptionsBuilder()
                .withLabelSelector(StateConfigMap.selector())
                .withLimit(100L)
                .build());
    if (real) {
      // As the CronJob runs: the shipped gc identity's token over HTTPS, nothing else.
      api.kubeconfigFor(namespace, api.tokenFor(namespace, "remediation-state-gc"), kubeconfig);
      System.out.println("ready " + api.url());
    } else {
      String url = "http://" + server.getHostName() + ":" + server.getPort();
      Files.writeString(kubeconfig, kubeconfig(url), StandardCharsets.UTF_8);
      System.out.println("ready " + url);
    }
    System.out.flush();
    Thread.currentThread().join();
  }

  /** The ServiceAccounts, Roles and RoleBindings of {@code tasks/rbac/}, as shipped. */
  private static void installShippedRbac(KubernetesClient client, String namespace)
      throws IOException {
    try (Stream<Path> files = Files.list(TestApiServer.projectRoot().resolve("tasks/rbac"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          for (HasMetadata doc : client.load(in).items()) {
            if (Set.of("ServiceAccount", "Role", "RoleBinding").contains(doc.getKind())) {
              client.resource(doc).inNamespace(namespace).create();
            }
          }
        }
      }
    }
  }

  private static String kubeconfig(String url) {
    return String.join(
        "\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: bench",
        "  cluster:",
        "    server: " + url,
        "contexts:",
        "- name: bench",
        "  context: {cluster: bench, user: bench, namespace: default}",
        "current-context: bench",
        "users:",
        "- name: bench",
        "  user: {token: bench}",
        "");
  }
}
