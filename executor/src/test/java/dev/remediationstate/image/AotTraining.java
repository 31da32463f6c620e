package dev.remediationstate.image;

import dev.remediationstate.it.TestApiServer;
import dev.remediationstate.it.TestCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The build step between the plain and the AOT {@code jib:buildTar} (Maven profile {@code image}):
 * starts the test cluster and runs {@code train-aot.sh} on the plain image with a workload that
 * goes through every action against it, so the cache holds the classes production loads.
 *
 * <p>Usage: {@code AotTraining IMAGE_TAR OUT_DIR}; OUT_DIR receives {@code app/app.aot} and {@code
 * app/jvm.options}. Exits non-zero when training or the check run fails.
 */
public final class AotTraining {
  private AotTraining() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: AotTraining IMAGE_TAR OUT_DIR");
      System.exit(2);
    }
    System.exit(train(Path.of(args[0]), Path.of(args[1])));
  }

  static int train(Path imageTar, Path outDir) throws Exception {
    Path work = Files.createTempDirectory("aot-training");
    // The real test API server where it can run, reached as a pod reaches it (ServiceAccount
    // token and CA, HTTPS: the path the image runs, so the cache holds its TLS classes);
    // elsewhere the CRUD mock through a kubeconfig (same requests, no TLS, fabric8's path).
    try (TestCluster cluster =
        TestApiServer.available() ? TestCluster.start() : TestCluster.startMock()) {
      ImageScripts scripts =
          cluster.isMock() ? ImageScripts.against(cluster, work) : inPod(cluster, work);
      List<String> args = new ArrayList<>(List.of(imageTar.toString(), outDir.toString(), "--"));
      args.addAll(workload(TestCluster.uniqueTaskId("aot")));
      long started = System.nanoTime();
      ImageScripts.Run run = scripts.run("train-aot.sh", null, args);
      long millis = (System.nanoTime() - started) / 1_000_000;
      if (run.code() != 0) {
        System.err.print(run.err());
        System.err.println("AotTraining: train-aot.sh failed with exit code " + run.code());
        return run.code();
      }
      // Only the scripts' summary: the JVM lists every class it skips ([warning][aot] lines).
      run.err()
          .lines()
          .filter(l -> l.startsWith("train-aot:") || l.startsWith("smoke-run:"))
          .forEach(System.out::println);
      System.out.printf("AotTraining: %.1f s%n", millis / 1000.0);
      return 0;
    } finally {
      try (var files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * The executor's ServiceAccount with the shipped Role (tasks/rbac) in the cluster's namespace.
   */
  private static ImageScripts inPod(TestCluster cluster, Path work) throws Exception {
    TestApiServer api = TestApiServer.shared();
    Path root = TestApiServer.projectRoot();
    for (String file :
        List.of(
            "tasks/rbac/service-account.yaml",
            "tasks/rbac/role.yaml",
            "tasks/rbac/role-binding.yaml")) {
      try (InputStream in = Files.newInputStream(root.resolve(file))) {
        for (HasMetadata doc : api.adminClient().load(in).items()) {
          api.adminClient().resource(doc).inNamespace(cluster.namespace()).create();
        }
      }
    }
    String token = api.tokenFor(cluster.namespace(), "remediation-state");
    // RBAC reaches the authorizer through an informer: wait until the token may read.
    try (KubernetesClient client = api.clientFor(cluster.namespace(), token)) {
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (true) {
        try {
          client.configMaps().withName("task-probe-state").get();
          break;
        } catch (KubernetesClientException e) {
          if (e.getCode() != 403 || System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(200);
        }
      }
    }
    return ImageScripts.inPod(api, cluster.namespace(), token, work);
  }

  /** Every action once, as a loop's first turn runs them; show last (the check run repeats it). */
  static List<String> workload(String task) {
    return List.of(
        "init",
        "--task-id",
        task,
        "--max-iterations",
        "3",
        "::",
        "next-iteration",
        "--task-id",
        task,
        "--request-id",
        "train-1",
        "::",
        "record-feedback",
        "--task-id",
        task,
        "--feedback",
        "{\"severity\":\"high\",\"issueType\":\"bug\",\"description\":\"training\",\"sourceRef\":\"train-1\"}",
        "::",
        "gate",
        "--task-id",
        task,
        "::",
        "show",
        "--task-id",
        task);
  }
}
