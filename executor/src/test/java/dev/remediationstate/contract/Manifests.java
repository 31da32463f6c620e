package dev.remediationstate.contract;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Reads the repository's YAML: as trees, and strictly into the fabric8 Kubernetes and Tekton
 * models. Strict means an unknown field anywhere fails: Jackson's FAIL_ON_UNKNOWN_PROPERTIES, and,
 * because fabric8 models collect unknown fields in {@code additionalProperties} instead of failing,
 * a recursive walk that fails on any non-empty {@code additionalProperties}.
 */
final class Manifests {
  static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** The fabric8 model for each apiVersion/kind the repository ships. */
  static final Map<String, Class<?>> MODELS =
      Map.ofEntries(
          Map.entry("tekton.dev/v1/Task", io.fabric8.tekton.v1.Task.class),
          Map.entry("tekton.dev/v1/Pipeline", io.fabric8.tekton.v1.Pipeline.class),
          Map.entry("tekton.dev/v1/PipelineRun", io.fabric8.tekton.v1.PipelineRun.class),
          Map.entry("tekton.dev/v1/TaskRun", io.fabric8.tekton.v1.TaskRun.class),
          Map.entry("tekton.dev/v1beta1/StepAction", io.fabric8.tekton.v1beta1.StepAction.class),
          Map.entry("v1/ServiceAccount", ServiceAccount.class),
          Map.entry("v1/ConfigMap", io.fabric8.kubernetes.api.model.ConfigMap.class),
          Map.entry("v1/Secret", io.fabric8.kubernetes.api.model.Secret.class),
          Map.entry("v1/Service", io.fabric8.kubernetes.api.model.Service.class),
          Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
          Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class),
          Map.entry(
              "rbac.authorization.k8s.io/v1/ClusterRole",
              io.fabric8.kubernetes.api.model.rbac.ClusterRole.class),
          Map.entry("batch/v1/CronJob", CronJob.class),
          Map.entry("apps/v1/Deployment", io.fabric8.kubernetes.api.model.apps.Deployment.class),
          Map.entry(
              "policy/v1/PodDisruptionBudget",
              io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class));

  /** Argo has no fabric8 model: its kinds are checked as trees by ArgoContractTest. */
  static final Set<String> ARGO_KINDS =
      Set.of(
          "argoproj.io/v1alpha1/WorkflowTemplate",
          "argoproj.io/v1alpha1/CronWorkflow",
          "argoproj.io/v1alpha1/Workflow");

  private Manifests() {}

  /** The repository root: the directory holding tasks/ and jib.yaml. */
  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null
        && !(Files.isDirectory(dir.resolve("tasks")) && Files.exists(dir.resolve("jib.yaml")))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(
          "no repository root with tasks/ and jib.yaml above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  /** Every .yaml/.yml file under the given top-level directories, sorted. */
  static List<Path> yamlFiles(String... topLevel) {
    List<Path> files = new ArrayList<>();
    for (String top : topLevel) {
      try (Stream<Path> walk = Files.walk(root().resolve(top))) {
        walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
            .filter(p -> !p.toString().contains("/target/"))
            .sorted()
            .forEach(files::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return files;
  }

  /** Every document of a (possibly multi-document) YAML file, comment-only documents skipped. */
  static List<JsonNode> documents(Path file) {
    List<JsonNode> documents = new ArrayList<>();
    try (var values = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
      while (values.hasNextValue()) {
        JsonNode document = values.nextValue();
        if (document != null && !document.isNull() && !document.isMissingNode()) {
          documents.add(document);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return documents;
  }

  /** Every kustomization.yaml under tasks/ and examples/. */
  static List<Path> kustomizations() {
    return yamlFiles("tasks", "examples").stream()
        .filter(p -> p.getFileName().toString().equals("kustomization.yaml"))
        .toList();
  }

  /** The kustomize transformer configurations ({@code configurations:}) of every kustomization. */
  static Set<Path> kustomizeConfigurations() {
    Set<Path> configs = new TreeSet<>();
    for (Path kustomization : kustomizations()) {
      tree(kustomization)
          .path("configurations")
          .forEach(c -> configs.add(kustomization.resolveSibling(c.asText()).normalize()));
    }
    return configs;
  }

  /**
   * The manifest files {@code kubectl apply -k dir} installs: its resources, a directory resource
   * expanded through its own kustomization.yaml, recursively.
   */
  static Set<Path> installedBy(Path dir) {
    Set<Path> files = new TreeSet<>();
    for (JsonNode resource : tree(dir.resolve("kustomization.yaml")).path("resources")) {
      Path target = dir.resolve(resource.asText()).normalize();
      if (Files.isDirectory(target)) {
        files.addAll(installedBy(target));
      } else {
        files.add(target);
      }
    }
    return files;
  }

  /** The image's entrypoint as jib.yaml (kept equal to the POM's by JibBuildFileTest) builds it. */
  static List<String> imageEntrypoint() {
    List<String> entrypoint = new ArrayList<>();
    tree(root().resolve("jib.yaml")).path("entrypoint").forEach(a -> entrypoint.add(a.asText()));
    if (entrypoint.isEmpty()) {
      throw new AssertionError("jib.yaml has no entrypoint");
    }
    return entrypoint;
  }

  static JsonNode tree(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** "apiVersion/kind" of a document, or "" when it has neither. */
  static String typeOf(JsonNode document) {
    if (!document.hasNonNull("apiVersion") || !document.hasNonNull("kind")) {
      return "";
    }
    return document.get("apiVersion").asText() + "/" + document.get("kind").asText();
  }

  /** Reads the document strictly into its model; fails naming the file and each unknown field. */
  static <T> T strict(Path file, Class<T> model) {
    return strict(tree(file), file, model);
  }

  /** Reads one document of a file strictly into its model. */
  static <T> T strict(JsonNode document, Path file, Class<T> model) {
    T object;
    try {
      object = YAML.treeToValue(document, model);
    } catch (IOException e) {
      throw new AssertionError(root().relativize(file) + ": " + e.getMessage(), e);
    }
    List<String> unknown = new ArrayList<>();
    findUnknown(object, "", unknown, new IdentityHashMap<>());
    if (!unknown.isEmpty()) {
      throw new AssertionError(root().relativize(file) + ": unknown fields " + unknown);
    }
    return object;
  }

  static <T> T strict(Path file) {
    return strict(tree(file), file);
  }

  static <T> T strict(JsonNode document, Path file) {
    String type = typeOf(document);
    @SuppressWarnings("unchecked")
    Class<T> model = (Class<T>) MODELS.get(type);
    if (model == null) {
      throw new AssertionError(root().relativize(file) + ": no model for '" + type + "'");
    }
    return strict(document, file, model);
  }

  private static void findUnknown(
      Object value, String path, List<String> unknown, Map<Object, Object> seen) {
    if (value == null
        || value instanceof String
        || value instanceof Number
        || value instanceof Boolean
        || value instanceof Enum<?>
        || seen.put(value, value) != null) {
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> findUnknown(v, path + "." + k, unknown, seen));
      return;
    }
    if (value instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        findUnknown(item, path + "[" + i++ + "]", unknown, seen);
      }
      return;
    }
    if (!value.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get")
          || getter.getName().equals("getClass")) {
        continue;
      }
      Object child;
      try {
        child = getter.invoke(value);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(getter.toString(), e);
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
          extra.keySet().forEach(k -> unknown.add(path + "." + k));
        }
        continue;
      }
      String field =
          Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
      findUnknown(child, path + "." + field, unknown, seen);
    }
  }
}
