package dev.remediationstate.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * End to end with Tekton's own controller (v1.15.0, built from the Go module by
 * kube-testenv/tekton-controller/build.sh) running out of cluster against the API server: a
 * PipelineRun whose tasks are our custom tasks goes init → next-iteration → record-feedback → gate,
 * with {@code when} on the results, to Succeeded. No kubelet is needed: no pod is made. Skipped
 * (one line) where Go or the module proxy is not available.
 */
class TektonE2EIT {
  private static final ResourceDefinitionContext PIPELINE_RUNS =
      new ResourceDefinitionContext.Builder()
          .withGroup("tekton.dev")
          .withVersion("v1")
          .withKind("PipelineRun")
          .withPlural("pipelineruns")
          .withNamespaced(true)
          .build();

  private static final ResourceDefinitionContext PIPELINES =
      new ResourceDefinitionContext.Builder()
          .withGroup("tekton.dev")
          .withVersion("v1")
          .withKind("Pipeline")
          .withPlural("pipelines")
          .withNamespaced(true)
          .build();

  private static GenericKubernetesResource resource(String path) throws IOException {
    try (InputStream in = TektonE2EIT.class.getResourceAsStream(path)) {
      return new com.fasterxml.jackson.databind.ObjectMapper(
              new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
          .readValue(in, GenericKubernetesResource.class);
    }
  }

  @Test
  void aPipelineOfCustomTasksRunsToSucceeded() throws Exception {
    Path repo = repositoryRoot();
    Path build = repo.resolve("kube-testenv/tekton-controller/build.sh");
    Process built = new ProcessBuilder("bash", build.toString()).redirectErrorStream(false).start();
    String binary =
        new String(built.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    String buildErr = new String(built.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    Assumptions.assumeTrue(
        built.waitFor() == 0,
        "Tekton's controller could not be built: "
            + buildErr.lines().reduce((a, b) -> b).orElse(""));
    Process dir =
        new ProcessBuilder("go", "list", "-m", "-f", "{{.Dir}}", "github.com/tektoncd/pipeline")
            .directory(repo.resolve("kube-testenv/tekton-controller").toFile())
            .start();
    Path config =
        Path.of(
            new String(dir.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim(),
            "config");
    dir.waitFor();

    try (ServeEnv env = ServeEnv.create("serve-e2e")) {
      try {
        env.admin
            .namespaces()
            .resource(
                new NamespaceBuilder()
                    .withNewMetadata()
                    .withName("tekton-pipelines")
                    .endMetadata()
                    .build())
            .create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
      List<Path> manifests = new ArrayList<>();
      try (Stream<Path> crds = Files.list(config.resolve("300-crds"))) {
        crds.sorted().forEach(manifests::add);
      }
      try (Stream<Path> configs = Files.list(config)) {
        configs
            .filter(p -> p.getFileName().toString().startsWith("config-"))
            .sorted()
            .forEach(manifests::add);
      }
      for (Path manifest : manifests) {
        try (InputStream in = Files.newInputStream(manifest)) {
          for (HasMetadata item : env.admin.load(in).items()) {
            env.admin.resource(item).forceConflicts().serverSideApply();
          }
        }
      }
      Thread.sleep(3000);

      Path log = Files.createTempFile("tekton-controller-", ".log");
      ProcessBuilder pb =
          new ProcessBuilder(
              binary,
              "-disable-ha",
              "-entrypoint-image",
              "example.invalid/entrypoint",
              "-nop-image",
              "example.invalid/nop",
              "-sidecarlogresults-image",
              "example.invalid/sidecarlogresults",
              "-workingdirinit-image",
              "example.invalid/workingdirinit",
              "-shell-image",
              "example.invalid/shell",
              "-shell-image-win",
              "example.invalid/shell-win");
      Map<String, String> e = pb.environment();
      e.put("KUBECONFIG", env.kubeconfig.toString());
      e.put("SYSTEM_NAMESPACE", "tekton-pipelines");
      e.put("KUBERNETES_MIN_VERSION", "v1.28.0");
      e.put("CONFIG_DEFAULTS_NAME", "config-defaults");
      e.put("CONFIG_LOGGING_NAME", "config-logging");
      e.put("CONFIG_OBSERVABILITY_NAME", "config-observability");
      e.put("CONFIG_FEATURE_FLAGS_NAME", "feature-flags");
      e.put("CONFIG_LEADERELECTION_NAME", "config-leader-election-controller");
      e.put("CONFIG_SPIRE", "config-spire");
      e.put("METRICS_DOMAIN", "tekton.dev/pipeline");
      e.put("PROBES_PORT", Integer.toString(freePort()));
      pb.redirectErrorStream(true).redirectOutput(log.toFile());
      Process controller = pb.start();
      ServeProcess serve =
          ServeProcess.start(env.kubeconfig, env.namespace, "e2e", "--no-gc", "--no-leader-elect");
      try {
        serve.awaitReady(Duration.ofSeconds(90));
        GenericKubernetesResource pipeline = resource("/tekton-e2e/pipeline.yaml");
        pipeline.getMetadata().setNamespace(env.namespace);
        env.admin
            .genericKubernetesResources(PIPELINES)
            .inNamespace(env.namespace)
            .resource(pipeline)
            .create();
        GenericKubernetesResource run = resource("/tekton-e2e/pipelinerun.yaml");
        run.getMetadata().setNamespace(env.namespace);
        var runs = env.admin.genericKubernetesResources(PIPELINE_RUNS).inNamespace(env.namespace);
        runs.resource(run).create();
        GenericKubernetesResource done;
        try {
          done =
              runs.withName("e2e-turn-1")
                  .waitUntilCondition(r -> succeeded(r) != null, 180, TimeUnit.SECONDS);
        } catch (KubernetesClientException | IllegalStateException timeout) {
          throw new AssertionError(
              "PipelineRun did not finish; controller log tail:\n" + tail(log), timeout);
        }
        assertEquals(
            "True",
            succeeded(done),
            "PipelineRun: " + done.getAdditionalProperties().get("status") + "\n" + tail(log));
        Map<String, Object> status = map(done.getAdditionalProperties().get("status"));
        String results = String.valueOf(status.get("results"));
        assertTrue(results.contains("decision") && results.contains("complete"), results);
        assertTrue(
            String.valueOf(status.get("skippedTasks")).contains("escalate"),
            String.valueOf(status.get("skippedTasks")));
        assertEquals(
            "1",
            env.admin
                .configMaps()
                .inNamespace(env.namespace)
                .withName("task-e2e-state")
                .get()
                .getData()
                .get("iteration"));
      } finally {
        controller.destroyForcibly();
        serve.kill9();
      }
    }
  }

  private static String succeeded(GenericKubernetesResource run) {
    Map<String, Object> status = map(run.getAdditionalProperties().get("status"));
    if (status == null || !(status.get("conditions") instanceof List<?> conditions)) {
      return null;
    }
    for (Object c : conditions) {
      Map<String, Object> condition = map(c);
      if ("Succeeded".equals(condition.get("type")) && !"Unknown".equals(condition.get("status"))) {
        return String.valueOf(condition.get("status"));
      }
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> ? (Map<String, Object>) o : null;
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("kube-testenv"))) {
      dir = dir.getParent();
    }
    Assumptions.assumeTrue(dir != null, "no repository root with kube-testenv/");
    return dir;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
