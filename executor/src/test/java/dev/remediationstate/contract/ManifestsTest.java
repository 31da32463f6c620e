package dev.remediationstate.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.tekton.v1.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every YAML file in tasks/ and examples/: a known kind without unknown fields; installed by
 * exactly the install path of its engine; every container locked down to the Pod Security
 * "restricted" profile; every image pinned by digest.
 */
class ManifestsTest {
  static final String IMAGE = "ghcr.io/remediation-state/remediation-state";
  private static final Pattern PINNED = Pattern.compile("[^@\\s]+@sha256:[0-9a-f]{64}");

  @Test
  void everyManifestParsesStrictlyIntoItsModel() {
    Set<Path> kustomizeConfigs = Manifests.kustomizeConfigurations();
    List<String> checked = new ArrayList<>();
    for (Path file : Manifests.yamlFiles("tasks", "examples")) {
      if (file.getFileName().toString().equals("kustomization.yaml")
          || kustomizeConfigs.contains(file)) {
        continue;
      }
      for (JsonNode document : Manifests.documents(file)) {
        String type = Manifests.typeOf(document);
        // Argo's kinds are judged by Argo's CRDs and validators (ShippedManifestsIT,
        // ManifestValidatorsIT); an ExecutorPlugin is no cluster object but the input of `argo
        // executor-plugin build`, whose output ArgoPluginManifestsIT compares with the shipped one.
        if (Manifests.ARGO_KINDS.contains(type) || type.equals(EXECUTOR_PLUGIN)) {
          continue;
        }
        Manifests.strict(document, file);
        checked.add(Manifests.root().relativize(file) + " " + type);
      }
    }
    for (String expected :
        List.of(
            "tasks/task/remediation-state/0.1/remediation-state.yaml tekton.dev/v1/Task",
            "tasks/stepaction/remediation-state/0.1/remediation-state.yaml"
                + " tekton.dev/v1beta1/StepAction",
            "examples/tekton/pipeline.yaml tekton.dev/v1/Pipeline",
            "examples/tekton/pipelinerun.yaml tekton.dev/v1/PipelineRun",
            "tasks/rbac/gc.yaml rbac.authorization.k8s.io/v1/Role",
            "tasks/gc/0.1/gc-cronjob.yaml batch/v1/CronJob")) {
      assertTrue(checked.contains(expected), expected + " not in " + checked);
    }
  }

  @Test
  void anUnknownFieldDeepInATaskFails(@TempDir Path dir) throws IOException {
    Path task = dir.resolve("task.yaml");
    Files.writeString(
        task,
        """
        apiVersion: tekton.dev/v1
        kind: Task
        metadata:
          name: t
        spec:
          steps:
            - name: run
              image: busybox
              securityContext:
                runAsNonRot: true
        """);
    AssertionError failure =
        assertThrows(AssertionError.class, () -> Manifests.strict(task, Task.class));
    assertTrue(
        failure.getMessage().contains(".spec.steps[0].securityContext.runAsNonRot"),
        failure.getMessage());
  }

  /**
   * Two install paths, one per engine: {@code kubectl apply -k tasks/} (Tekton) and {@code kubectl
   * apply -k tasks/argo/} (Argo). Together they install every manifest under tasks/ that is not a
   * sample or a catalog test; neither installs the other engine's kinds; each runs gc exactly once
   * (the CronJob on Tekton, the CronWorkflow on Argo).
   */
  /**
   * Directories under tasks/ that are install paths of their own, applied with {@code kubectl apply
   * -k} on their own: the serve controller and the Argo executor plugin.
   */
  private static final String EXECUTOR_PLUGIN = "argoproj.io/v1alpha1/ExecutorPlugin";

  private static final List<String> OWN_INSTALL_PATHS = List.of("serve", "argo-plugin");

  @Test
  void eachInstallPathInstallsItsEngineAndExactlyOneGc() {
    Path tasks = Manifests.root().resolve("tasks");
    Set<Path> tekton = Manifests.installedBy(tasks);
    Set<Path> argo = Manifests.installedBy(tasks.resolve("argo"));
    Set<Path> installed = new TreeSet<>(tekton);
    installed.addAll(argo);
    installed.forEach(p -> assertTrue(Files.isRegularFile(p), "kustomization lists missing " + p));

    Set<Path> manifests = new TreeSet<>();
    Set<Path> configs = Manifests.kustomizeConfigurations();
    for (Path file : Manifests.yamlFiles("tasks")) {
      String path = file.toString();
      if (!path.contains("/samples/")
          && !path.contains("/tests/")
          && !configs.contains(file)
          && OWN_INSTALL_PATHS.stream().noneMatch(own -> file.startsWith(tasks.resolve(own)))
          && !file.getFileName().toString().equals("kustomization.yaml")) {
        manifests.add(file);
      }
    }
    assertEquals(manifests, installed, "manifests under tasks/ vs the two install paths");

    Map<String, Integer> tektonKinds = kinds(tekton);
    Map<String, Integer> argoKinds = kinds(argo);
    tektonKinds.keySet().forEach(k -> assertFalse(k.startsWith("argoproj.io/"), "Tekton: " + k));
    argoKinds.keySet().forEach(k -> assertFalse(k.startsWith("tekton.dev/"), "Argo: " + k));
    assertEquals(1, tektonKinds.getOrDefault("batch/v1/CronJob", 0), "Tekton path: one gc");
    assertFalse(tektonKinds.containsKey("argoproj.io/v1alpha1/CronWorkflow"));
    assertEquals(
        1, argoKinds.getOrDefault("argoproj.io/v1alpha1/CronWorkflow", 0), "Argo path: one gc");
    assertFalse(argoKinds.containsKey("batch/v1/CronJob"), "Argo path must not add the CronJob");
  }

  /**
   * No kustomization forces a namespace (kubectl -n or an overlay picks it), and each one pins the
   * images it names by digest and knows where the kinds it installs keep their images.
   */
  @Test
  void kustomizationsSetNoNamespaceAndPinImagesByDigest() {
    Map<String, Set<String>> imageKinds =
        Map.of(
            "tekton.dev/v1/Task", Set.of("Task"),
            "tekton.dev/v1beta1/StepAction", Set.of("StepAction"),
            "tekton.dev/v1/Pipeline", Set.of("Pipeline"),
            "argoproj.io/v1alpha1/WorkflowTemplate", Set.of("WorkflowTemplate"),
            "argoproj.io/v1alpha1/CronWorkflow", Set.of("CronWorkflow"));
    for (Path kustomization : Manifests.kustomizations()) {
      String where = Manifests.root().relativize(kustomization).toString();
      JsonNode k = Manifests.tree(kustomization);
      assertFalse(k.has("namespace"), where + " sets a namespace");
      k.path("images")
          .forEach(
              image ->
                  assertTrue(
                      image.path("digest").asText().matches("sha256:[0-9a-f]{64}"),
                      where + ": image " + image.path("name").asText() + " has no digest"));
      Set<String> taught = new TreeSet<>();
      k.path("configurations")
          .forEach(
              c ->
                  Manifests.tree(kustomization.resolveSibling(c.asText()))
                      .path("images")
                      .forEach(spec -> taught.add(spec.path("kind").asText())));
      for (Path file : Manifests.installedBy(kustomization.getParent())) {
        for (JsonNode document : Manifests.documents(file)) {
          Set<String> needed = imageKinds.getOrDefault(Manifests.typeOf(document), Set.of());
          assertTrue(
              taught.containsAll(needed),
              where + " does not teach kustomize where " + needed + " keeps images");
        }
      }
    }
  }

  /** Every container in every shipped document meets Pod Security "restricted" on its own. */
  @Test
  void everyContainerIsRestrictedAndPinnedByDigest() {
    List<String> containers = new ArrayList<>();
    for (Path file : Manifests.yamlFiles("tasks", "examples")) {
      String name = Manifests.root().relativize(file).toString();
      for (JsonNode document : Manifests.documents(file)) {
        forEachContainer(
            document,
            "",
            (path, container) -> {
              String where = name + path;
              containers.add(where);
              String image = container.path("image").asText();
              assertTrue(PINNED.matcher(image).matches(), where + ": image not pinned: " + image);
              if (!file.toString().contains("/samples/") && image.contains("remediation-state")) {
                assertTrue(image.startsWith(IMAGE + ":"), where + " uses " + image);
              }
              JsonNode sc = container.path("securityContext");
              assertEquals("true", sc.path("runAsNonRoot").asText(), where + " runAsNonRoot");
              assertEquals(
                  "false",
                  sc.path("allowPrivilegeEscalation").asText(),
                  where + " allowPrivilegeEscalation");
              assertEquals("[\"ALL\"]", sc.path("capabilities").path("drop").toString(), where);
              assertEquals(
                  "RuntimeDefault", sc.path("seccompProfile").path("type").asText(), where);
              assertEquals(
                  "true",
                  sc.path("readOnlyRootFilesystem").asText(),
                  where + " readOnlyRootFilesystem");
              assertTrue(sc.path("runAsUser").asLong() > 0, where + " runAsUser");
            });
      }
    }
    assertTrue(containers.size() >= 15, containers::toString);
  }

  /**
   * The Tekton catalog's layout: {@code task/<name>/<version>/<name>.yaml} (and {@code
   * stepaction/}) with a README, samples and {@code tests/run.yaml}; the version label equal to the
   * directory; the catalog annotations; a description.
   */
  @Test
  void catalogEntriesHaveTheCatalogLayoutAndAnnotations() {
    Path tasks = Manifests.root().resolve("tasks");
    List<Path> entries = new ArrayList<>();
    for (String kind : List.of("task", "stepaction")) {
      for (Path file : Manifests.yamlFiles("tasks/" + kind)) {
        Path relative = tasks.resolve(kind).relativize(file);
        if (relative.getNameCount() != 3) {
          continue;
        }
        entries.add(file);
        String name = relative.getName(0).toString();
        String version = relative.getName(1).toString();
        String where = Manifests.root().relativize(file).toString();
        assertEquals(name + ".yaml", relative.getName(2).toString(), where);
        JsonNode doc = Manifests.tree(file);
        assertEquals(name, doc.at("/metadata/name").asText(), where);
        assertEquals(
            version, doc.at("/metadata/labels/app.kubernetes.io~1version").asText(), where);
        for (String annotation :
            List.of(
                "tekton.dev/pipelines.minVersion",
                "tekton.dev/categories",
                "tekton.dev/tags",
                "tekton.dev/displayName",
                "tekton.dev/platforms")) {
          assertTrue(
              doc.at("/metadata/annotations").path(annotation).isTextual(),
              where + " lacks " + annotation);
        }
        assertTrue(doc.at("/spec/description").isTextual(), where + " has no description");
        Path dir = file.getParent();
        assertTrue(Files.isRegularFile(dir.resolve("README.md")), where + ": README.md");
        assertTrue(Files.isDirectory(dir.resolve("samples")), where + ": samples/");
        assertTrue(Files.isRegularFile(dir.resolve("tests/run.yaml")), where + ": tests/run.yaml");
      }
    }
    assertEquals(2, entries.size(), entries::toString);
  }

  /**
   * Calls back for every object that is a container in all but name: it has an {@code image}
   * (Kubernetes containers, Tekton steps and StepActions, Argo container templates).
   */
  static void forEachContainer(JsonNode node, String path, BiConsumer<String, JsonNode> action) {
    forEachObject(
        node,
        path,
        (where, object) -> {
          if (object.path("image").isTextual()) {
            action.accept(where, object);
          }
        });
  }

  /** Calls back for every JSON object in the tree, depth first, with its path. */
  static void forEachObject(JsonNode node, String path, BiConsumer<String, JsonNode> action) {
    if (node.isObject()) {
      action.accept(path, node);
      node.fields()
          .forEachRemaining(e -> forEachObject(e.getValue(), path + "." + e.getKey(), action));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        forEachObject(node.get(i), path + "[" + i + "]", action);
      }
    }
  }

  private static Map<String, Integer> kinds(Set<Path> files) {
    Map<String, Integer> kinds = new TreeMap<>();
    for (Path file : files) {
      for (JsonNode document : Manifests.documents(file)) {
        kinds.merge(Manifests.typeOf(document), 1, Integer::sum);
      }
    }
    return kinds;
  }
}
