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
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every YAML file in tasks/ and examples/ is a known kind and has no unknown field. */
class ManifestsTest {

  @Test
  void everyManifestParsesStrictlyIntoItsModel() {
    List<Path> files = Manifests.yamlFiles("tasks", "examples");
    Set<Path> kustomizeConfigs = kustomizeConfigurations();
    List<String> checked = new ArrayList<>();
    for (Path file : files) {
      JsonNode document = Manifests.tree(file);
      String type = Manifests.typeOf(document);
      if (file.getFileName().toString().equals("kustomization.yaml")
          || kustomizeConfigs.contains(file)
          || Manifests.ARGO_KINDS.contains(type)) {
        continue;
      }
      Manifests.strict(file);
      checked.add(Manifests.root().relativize(file).toString());
    }
    assertTrue(
        checked.contains("tasks/remediation-state/0.1/remediation-state.yaml"), checked::toString);
    assertTrue(
        checked.contains("tasks/remediation-state/0.1/remediation-state-stepaction.yaml"),
        checked::toString);
    assertTrue(checked.contains("examples/tekton/pipeline.yaml"), checked::toString);
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

  @Test
  void kustomizationListsEveryManifestUnderTasks() {
    Path tasks = Manifests.root().resolve("tasks");
    JsonNode kustomization = Manifests.tree(tasks.resolve("kustomization.yaml"));
    Set<Path> listed = new TreeSet<>();
    kustomization.get("resources").forEach(r -> listed.add(tasks.resolve(r.asText()).normalize()));
    listed.forEach(p -> assertTrue(Files.isRegularFile(p), "kustomization lists missing " + p));
    Set<Path> manifests = new TreeSet<>();
    for (Path file : Manifests.yamlFiles("tasks")) {
      boolean sample = file.toString().contains("/samples/");
      // A directory with its own kustomization (tasks/serve) is applied on its own.
      boolean ownKustomization =
          !file.getParent().equals(tasks)
              && Files.isRegularFile(file.getParent().resolve("kustomization.yaml"));
      if (!sample
          && !ownKustomization
          && !Manifests.typeOf(Manifests.tree(file)).isEmpty()
          && !file.getFileName().toString().equals("kustomization.yaml")) {
        manifests.add(file);
      }
    }
    assertEquals(manifests, listed, "tasks/kustomization.yaml resources");
  }

  @Test
  void kustomizationSetsImageAndNamespaceInOnePlace() {
    JsonNode kustomization = Manifests.tree(Manifests.root().resolve("tasks/kustomization.yaml"));
    assertTrue(kustomization.hasNonNull("namespace"));
    String image = kustomization.get("images").get(0).get("name").asText();
    for (Path file : Manifests.yamlFiles("tasks")) {
      String text = Manifests.tree(file).toString();
      if (!file.toString().contains("/samples/") && text.contains("\"image\"")) {
        assertTrue(text.contains("\"" + image + ":"), file + " uses an image other than " + image);
      }
    }
    assertFalse(
        kustomizeConfigurations().isEmpty(), "kustomize needs to learn where Tekton keeps images");
  }

  private static Set<Path> kustomizeConfigurations() {
    Path tasks = Manifests.root().resolve("tasks");
    Set<Path> configs = new TreeSet<>();
    JsonNode list = Manifests.tree(tasks.resolve("kustomization.yaml")).path("configurations");
    list.forEach(c -> configs.add(tasks.resolve(c.asText()).normalize()));
    return configs;
  }
}
