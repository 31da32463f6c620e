package dev.remediationstate.argoplugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped plugin YAML (tasks/argo-plugin/, examples/argo-plugin/) as Argo and the API server
 * judge it: the ConfigMap is exactly what Argo's own {@code argo executor-plugin build} writes from
 * plugin.yaml; every object passes server-side dry run with strict field validation on the real
 * test API server carrying Argo's published CRDs (v3.7.18 and v4.1.2, from ../shared/crds); the
 * sidecar container is admitted by Pod Security {@code restricted}. Each check has a control that
 * must be refused, so a check that stopped checking would fail.
 */
class ArgoPluginManifestsIT {
  /** Argo's full CRDs are several MB of YAML: above SnakeYAML's default 3 M code points. */
  private static final ObjectMapper YAML =
      new ObjectMapper(YAMLFactory.builder().loaderOptions(bigDocuments()).build());

  private static org.yaml.snakeyaml.LoaderOptions bigDocuments() {
    org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
    options.setCodePointLimit(64 << 20);
    return options;
  }

  private static final Path PLUGIN = ArgoAgentClient.repositoryRoot().resolve("tasks/argo-plugin");
  private static final String CONFIGMAP = "remediation-state-executor-plugin-configmap.yaml";

  @ParameterizedTest
  @EnumSource(ArgoAgentClient.Line.class)
  void theConfigMapIsWhatArgosExecutorPluginBuildWrites(ArgoAgentClient.Line line)
      throws Exception {
    Path dir = Files.createTempDirectory("executor-plugin-build");
    Files.copy(PLUGIN.resolve("plugin.yaml"), dir.resolve("plugin.yaml"));
    ArgoAgentClient.of(line).buildPlugin(dir);
    assertEquals(
        Files.readString(dir.resolve(CONFIGMAP)),
        Files.readString(PLUGIN.resolve(CONFIGMAP)),
        "rebuild with: argo executor-plugin build tasks/argo-plugin (Argo " + line.version + ")");
  }

  @Test
  void theKustomizationInstallsTheConfigMapTheIdentityAndTheRole() throws IOException {
    JsonNode k = YAML.readTree(PLUGIN.resolve("kustomization.yaml").toFile());
    List<String> resources = new ArrayList<>();
    k.path("resources").forEach(r -> resources.add(r.asText()));
    assertEquals(List.of(CONFIGMAP, "service-account.yaml", "role.yaml"), resources);
    assertTrue(k.path("namespace").isMissingNode(), "the namespace is given with -n");
  }

  private static List<GenericKubernetesResource> objects(Path file) throws IOException {
    List<GenericKubernetesResource> out = new ArrayList<>();
    try (var docs = YAML.readerFor(Map.class).readValues(file.toFile())) {
      while (docs.hasNext()) {
        Object doc = docs.next();
        if (doc != null) {
          out.add(YAML.convertValue(doc, GenericKubernetesResource.class));
        }
      }
    }
    return out;
  }

  private static void dryRun(ArgoPluginEnv env, String ns, GenericKubernetesResource object) {
    env.admin
        .resource(object)
        .inNamespace(ns)
        .dryRun()
        .fieldValidation(FieldValidateable.Validation.STRICT)
        .create();
  }

  private static void installCrds(ArgoPluginEnv env, Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        CustomResourceDefinition crd =
            YAML.convertValue(YAML.readTree(file.toFile()), CustomResourceDefinition.class);
        env.admin.resource(crd).unlock().createOr(NonDeletingOperation::update);
        env.admin
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName(crd.getMetadata().getName())
            .waitUntilCondition(
                c ->
                    c.getStatus() != null
                        && c.getStatus().getConditions() != null
                        && c.getStatus().getConditions().stream()
                            .anyMatch(
                                x ->
                                    x.getType().equals("Established")
                                        && x.getStatus().equals("True")),
                60,
                TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Argo v4 dropped CronWorkflow {@code spec.schedule}: strict validation refuses it under the
   * v4.1.2 CRDs only. Polled, because the API server takes a moment to switch schemas.
   */
  private static void awaitSchemaOf(ArgoPluginEnv env, String ns, String version) throws Exception {
    GenericKubernetesResource cron =
        YAML.convertValue(
            YAML.readTree(
                "apiVersion: argoproj.io/v1alpha1\nkind: CronWorkflow\nmetadata: {name: probe}\n"
                    + "spec: {schedule: '* * * * *', workflowSpec: {entrypoint: a, templates:"
                    + " [{name: a, suspend: {}}]}}"),
            GenericKubernetesResource.class);
    boolean v4 = version.startsWith("v4");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      boolean refused;
      try {
        dryRun(env, ns, cron);
        refused = false;
      } catch (KubernetesClientException e) {
        refused = true;
      }
      if (refused == v4) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the API server never switched to the CRDs of Argo " + version);
      }
      Thread.sleep(500);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"v3.7.18", "v4.1.2"})
  void everyShippedObjectPassesStrictServerSideDryRunWithArgosCrds(String version)
      throws Exception {
    Path crds = ArgoAgentClient.repositoryRoot().resolveSibling("shared/crds/argo-" + version);
    Assumptions.assumeTrue(
        Files.isDirectory(crds), "no " + crds + " (Argo's CRDs); skipping the schema check");
    ArgoPluginEnv env = ArgoPluginEnv.shared();
    String ns = env.createNamespace("plugin-schema", Map.of());
    try {
      installCrds(env, crds);
      awaitSchemaOf(env, ns, version);
      List<Path> files = new ArrayList<>();
      files.add(PLUGIN.resolve(CONFIGMAP));
      files.add(PLUGIN.resolve("service-account.yaml"));
      files.add(PLUGIN.resolve("role.yaml"));
      try (Stream<Path> examples =
          Files.list(ArgoAgentClient.repositoryRoot().resolve("examples/argo-plugin"))) {
        examples.filter(f -> f.toString().endsWith(".yaml")).sorted().forEach(files::add);
      }
      int checked = 0;
      for (Path file : files) {
        for (GenericKubernetesResource object : objects(file)) {
          try {
            dryRun(env, ns, object);
          } catch (KubernetesClientException e) {
            throw new AssertionError(file + " (Argo " + version + "): " + e.getMessage(), e);
          }
          checked++;
        }
      }
      assertEquals(6, checked, "ConfigMap, ServiceAccount, Secret, Role, RoleBinding, example");

      // Control: one unknown field in a plugin step of the example is refused.
      GenericKubernetesResource example =
          objects(
                  ArgoAgentClient.repositoryRoot()
                      .resolve("examples/argo-plugin/remediation-loop-plugin.yaml"))
              .get(0);
      ObjectNode tree = YAML.valueToTree(example);
      ((ObjectNode) tree.path("spec").path("templates").get(2)).put("pluginn", "typo");
      GenericKubernetesResource typo = YAML.convertValue(tree, GenericKubernetesResource.class);
      KubernetesClientException refused =
          assertThrows(KubernetesClientException.class, () -> dryRun(env, ns, typo));
      assertTrue(refused.getMessage().contains("pluginn"), refused.getMessage());
    } finally {
      env.admin.namespaces().withName(ns).delete();
    }
  }

  @Test
  void theSidecarIsAdmittedByPodSecurityRestricted() throws Exception {
    ArgoPluginEnv env = ArgoPluginEnv.shared();
    String ns =
        env.createNamespace(
            "plugin-psa", Map.of("pod-security.kubernetes.io/enforce", "restricted"));
    try {
      // No controller-manager on the test API server makes the namespace's default account.
      env.admin
          .serviceAccounts()
          .inNamespace(ns)
          .resource(
              new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                  .withNewMetadata()
                  .withName("default")
                  .endMetadata()
                  .build())
          .create();
      JsonNode configMap = YAML.readTree(PLUGIN.resolve(CONFIGMAP).toFile());
      ObjectNode container =
          (ObjectNode) YAML.readTree(configMap.path("data").path("sidecar.container").asText());
      assertEquals(10222, container.path("ports").get(0).path("containerPort").asInt());
      assertTrue(container.path("command").size() > 0, "an explicit command");
      dryRun(env, ns, pod(container));

      // Control: the same container without its securityContext is refused.
      ObjectNode open = container.deepCopy();
      open.remove("securityContext");
      KubernetesClientException refused =
          assertThrows(KubernetesClientException.class, () -> dryRun(env, ns, pod(open)));
      assertTrue(refused.getMessage().contains("PodSecurity"), refused.getMessage());
    } finally {
      env.admin.namespaces().withName(ns).delete();
    }
  }

  private static GenericKubernetesResource pod(ObjectNode container) {
    ObjectNode pod = YAML.createObjectNode();
    pod.put("apiVersion", "v1");
    pod.put("kind", "Pod");
    pod.putObject("metadata").put("name", "agent-with-plugin");
    pod.putObject("spec").putArray("containers").add(container);
    return YAML.convertValue(pod, GenericKubernetesResource.class);
  }
}
