package dev.remediationstate.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.remediationstate.it.TestApiServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Every shipped document judged by a real kube-apiserver (v1.36.3) with the engines' published CRDs
 * (../shared/crds): server-side dry run with strict field validation for Tekton v1.15.0 and for
 * Argo v3.7.18 and then v4.1.2 (CRDs are cluster-scoped, so the Argo releases are checked one after
 * the other on the same server, the second replacing the first); RBAC of every identity checked as
 * that identity (TokenRequest tokens, SelfSubjectAccessReview and real calls); every pod the
 * manifests describe dry-run created in a namespace that enforces Pod Security "restricted".
 * Skipped with one line where Go or ../shared/crds is absent.
 */
class ShippedManifestsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PSA_ENFORCE = "pod-security.kubernetes.io/enforce";

  private static TestApiServer api;
  private static KubernetesClient admin;

  @BeforeAll
  static void connect() {
    crds("tekton-v1.15.0");
    api = TestApiServer.shared();
    Config config = Config.fromKubeconfig(null, api.kubeconfig().toFile());
    // Applying the Argo v4 CRDs over the v3 ones (over 1 MB each) takes a while on a busy
    // 2-core machine: fabric8's default 10 s request timeout is too short for that.
    config.setRequestTimeout((int) Duration.ofMinutes(5).toMillis());
    admin = new KubernetesClientBuilder().withConfig(config).build();
  }

  @AfterAll
  static void close() {
    if (admin != null) {
      admin.close();
    }
  }

  /** The CRD files of one engine release in ../shared/crds; skips (one line) where absent. */
  static List<Path> crds(String release) {
    Path dir = Manifests.root().resolveSibling("shared").resolve("crds").resolve(release);
    assumeTrue(
        Files.isDirectory(dir),
        "SKIPPED: " + dir + " is absent (the engines' CRDs live outside this repository)");
    try (var files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void tektonAndKubernetesDocumentsPassTheRealSchemas() throws Exception {
    installCrds("tekton-v1.15.0");
    String ns = namespace("schemas", Map.of());
    List<String> passed = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (Doc doc : shippedDocuments(type -> !type.startsWith("argoproj.io/"))) {
      dryRunStrict(doc, ns, passed, failed);
    }
    assertEquals(List.of(), failed, "rejected by the real API server");
    assertTrue(passed.size() >= 18, passed::toString);

    // The check can fail: a misspelt field deep in a Task is refused.
    JsonNode task = JSON.readTree(Manifests.documents(taskFile()).get(0).toString());
    ((ObjectNode) task.at("/spec/steps/0/securityContext")).put("runAsNonRot", true);
    List<String> refused = new ArrayList<>();
    dryRunStrict(new Doc("misspelt Task", task), ns, new ArrayList<>(), refused);
    assertEquals(1, refused.size(), "strict validation must refuse runAsNonRot");
  }

  /**
   * Argo 3.7.18 first, then 4.1.2 replacing it. The gc CronWorkflow's {@code schedules} must pass
   * both; the single {@code schedule} (what shipped before) passes 3.7.18 and is refused by 4.1.2.
   */
  @Test
  void argoDocumentsPassTheV3AndThenTheV4Schemas() throws Exception {
    String ns = namespace("argo", Map.of());
    JsonNode cron = Manifests.tree(Manifests.root().resolve("tasks/argo/gc-cronworkflow.yaml"));
    ObjectNode oldCron = cron.deepCopy();
    ObjectNode oldSpec = (ObjectNode) oldCron.get("spec");
    oldSpec.remove("schedules");
    oldSpec.put("schedule", "0 */6 * * *");
    Doc singleSchedule = new Doc("CronWorkflow with spec.schedule", oldCron);

    installCrds("argo-v3.7.18");
    List<String> passed = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (Doc doc : shippedDocuments(ShippedManifestsIT::isArgoClusterObject)) {
      dryRunStrict(doc, ns, passed, failed);
    }
    assertEquals(List.of(), failed, "rejected by the Argo v3.7.18 schemas");
    assertTrue(passed.size() >= 3, passed::toString);
    List<String> v3Refused = new ArrayList<>();
    dryRunStrict(singleSchedule, ns, new ArrayList<>(), v3Refused);
    assertEquals(List.of(), v3Refused, "v3.7.18 accepts spec.schedule");

    installCrds("argo-v4.1.2");
    // The API server swaps a replaced CRD's schema asynchronously: wait until the v4 schema
    // refuses the field v4 removed.
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    List<String> v4Refused = new ArrayList<>();
    while (v4Refused.isEmpty() && Instant.now().isBefore(deadline)) {
      dryRunStrict(singleSchedule, ns, new ArrayList<>(), v4Refused);
      if (v4Refused.isEmpty()) {
        TimeUnit.MILLISECONDS.sleep(500);
      }
    }
    assertEquals(1, v4Refused.size(), "v4.1.2 refuses spec.schedule");
    passed.clear();
    for (Doc doc : shippedDocuments(ShippedManifestsIT::isArgoClusterObject)) {
      dryRunStrict(doc, ns, passed, failed);
    }
    assertEquals(List.of(), failed, "rejected by the Argo v4.1.2 schemas");
    assertTrue(passed.size() >= 3, passed::toString);
  }

  /**
   * The identities of both install paths, applied for real, then each one asks the server what it
   * may do (SelfSubjectAccessReview with its own TokenRequest token) and makes the real calls of
   * its step: exactly these verbs, nothing more.
   */
  @Test
  void eachIdentityCanDoExactlyWhatItsStepNeeds() throws Exception {
    String ns = namespace("rbac", Map.of());
    for (Path file :
        List.of(
            Manifests.root().resolve("tasks/rbac/service-account.yaml"),
            Manifests.root().resolve("tasks/rbac/role.yaml"),
            Manifests.root().resolve("tasks/rbac/role-binding.yaml"),
            Manifests.root().resolve("tasks/rbac/agent-service-account.yaml"),
            Manifests.root().resolve("tasks/rbac/gc.yaml"),
            Manifests.root().resolve("tasks/argo/rbac.yaml"))) {
      for (JsonNode document : Manifests.documents(file)) {
        admin.resource(generic(document)).inNamespace(ns).create();
      }
    }
    Set<String> configMapVerbs =
        Set.of("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection");
    Map<String, Set<String>> expected = new LinkedHashMap<>();
    expected.put("remediation-state", Set.of("get", "create", "update"));
    expected.put("remediation-agent", Set.of());
    expected.put("remediation-state-gc", Set.of("list", "get", "patch", "delete"));
    Map<String, KubernetesClient> clients = new LinkedHashMap<>();
    for (String account : expected.keySet()) {
      clients.put(account, api.clientFor(ns, api.tokenFor(ns, account)));
    }
    // RBAC is served from an informer: wait until the first grant is visible.
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (!allowed(clients.get("remediation-state"), ns, "", "configmaps", "get")
        && Instant.now().isBefore(deadline)) {
      TimeUnit.MILLISECONDS.sleep(200);
    }
    List<String> wrong = new ArrayList<>();
    for (var e : expected.entrySet()) {
      KubernetesClient client = clients.get(e.getKey());
      for (String verb : configMapVerbs) {
        check(wrong, e.getKey(), client, ns, "", "configmaps", verb, e.getValue().contains(verb));
      }
      // Argo's executor permission, and nothing else of Argo.
      for (String verb : List.of("create", "patch", "get", "list", "delete")) {
        boolean argo = verb.equals("create") || verb.equals("patch");
        check(wrong, e.getKey(), client, ns, "argoproj.io", "workflowtaskresults", verb, argo);
      }
      check(wrong, e.getKey(), client, ns, "", "secrets", "get", false);
      check(wrong, e.getKey(), client, ns, "", "pods", "create", false);
      check(wrong, e.getKey(), client, "kube-system", "", "configmaps", "get", false);
    }
    assertEquals(List.of(), wrong, "access differs from what each step needs");

    // The real calls of each step.
    KubernetesClient state = clients.get("remediation-state");
    ConfigMap created =
        state
            .configMaps()
            .inNamespace(ns)
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName("task-rbac-state")
                    .endMetadata()
                    .addToData("iteration", "0")
                    .build())
            .create();
    created.getData().put("iteration", "1");
    state
        .configMaps()
        .inNamespace(ns)
        .resource(created)
        .lockResourceVersion(created.getMetadata().getResourceVersion())
        .update();
    assertEquals(403, code(() -> state.configMaps().inNamespace(ns).list()));
    assertEquals(
        403, code(() -> state.configMaps().inNamespace(ns).withName("task-rbac-state").delete()));
    KubernetesClient agent = clients.get("remediation-agent");
    assertEquals(
        403, code(() -> agent.configMaps().inNamespace(ns).withName("task-rbac-state").get()));
    assertEquals(
        403,
        code(
            () ->
                agent
                    .configMaps()
                    .inNamespace(ns)
                    .resource(
                        new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("task-evil-state")
                            .endMetadata()
                            .build())
                    .create()));
    KubernetesClient gc = clients.get("remediation-state-gc");
    assertEquals(1, gc.configMaps().inNamespace(ns).list().getItems().size());
    assertEquals(
        1, gc.configMaps().inNamespace(ns).withName("task-rbac-state").delete().size(), "gc");
    clients.values().forEach(KubernetesClient::close);
  }

  /**
   * Every container the manifests describe, as a Pod of its own with no pod-level settings, and
   * every full pod template (the CronJob's; each Argo container template with its pod-level
   * securityContext and volumes), dry-run created where PodSecurity enforces "restricted".
   */
  @Test
  void everyShippedPodPassesRestrictedPodSecurity() throws Exception {
    String ns = namespace("psa", Map.of(PSA_ENFORCE, "restricted"));
    // No controller-manager here: the ServiceAccount admission needs the accounts the pods
    // name ("default" when none) to exist.
    for (String account : List.of("default", "remediation-state-gc")) {
      admin
          .serviceAccounts()
          .inNamespace(ns)
          .resource(
              new ServiceAccountBuilder().withNewMetadata().withName(account).endMetadata().build())
          .serverSideApply();
    }
    List<Doc> pods = new ArrayList<>();
    for (Path file : Manifests.yamlFiles("tasks", "examples")) {
      String name = Manifests.root().relativize(file).toString();
      for (JsonNode document : Manifests.documents(file)) {
        ManifestsTest.forEachContainer(
            document, "", (path, c) -> pods.add(new Doc(name + path, pod(c, null, null))));
        if (Manifests.typeOf(document).equals("batch/v1/CronJob")) {
          ObjectNode pod = JSON.createObjectNode();
          pod.put("apiVersion", "v1").put("kind", "Pod");
          pod.putObject("metadata").put("generateName", "cronjob-");
          pod.set("spec", document.at("/spec/jobTemplate/spec/template/spec").deepCopy());
          pods.add(new Doc(name + " CronJob pod", pod));
        }
        JsonNode spec =
            document.has("spec") && document.get("spec").has("workflowSpec")
                ? document.at("/spec/workflowSpec")
                : document.path("spec");
        if (Manifests.typeOf(document).startsWith("argoproj.io/")) {
          for (JsonNode t : spec.path("templates")) {
            if (t.has("container")) {
              JsonNode podSc =
                  t.has("securityContext") ? t.get("securityContext") : spec.get("securityContext");
              pods.add(
                  new Doc(
                      name + " template " + t.path("name").asText(),
                      pod(t.get("container"), podSc, t.get("volumes"))));
            }
          }
        }
      }
    }
    List<String> passed = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (Doc pod : pods) {
      // The ServiceAccount admission reads accounts from an informer: a just-created one may
      // not be there yet.
      for (int attempt = 0; ; attempt++) {
        List<String> failed = new ArrayList<>();
        dryRunStrict(pod, ns, passed, failed);
        if (failed.isEmpty()
            || attempt == 40
            || !failed.get(0).contains("error looking up service account")) {
          refused.addAll(failed);
          break;
        }
        TimeUnit.MILLISECONDS.sleep(250);
      }
    }
    assertEquals(List.of(), refused, "refused by PodSecurity restricted");
    assertTrue(passed.size() >= 20, passed::toString);

    // The admission is on: a container without a securityContext is refused.
    ObjectNode bare = JSON.createObjectNode();
    bare.put("name", "c").put("image", "busybox:1.36.1");
    List<String> refusedBare = new ArrayList<>();
    dryRunStrict(new Doc("bare pod", pod(bare, null, null)), ns, new ArrayList<>(), refusedBare);
    assertEquals(1, refusedBare.size(), "a bare container must be refused");
    assertTrue(refusedBare.get(0).contains("restricted"), refusedBare.get(0));
  }

  private record Doc(String where, JsonNode body) {}

  private static ObjectNode pod(JsonNode container, JsonNode podSecurity, JsonNode volumes) {
    ObjectNode pod = JSON.createObjectNode();
    pod.put("apiVersion", "v1").put("kind", "Pod");
    pod.putObject("metadata").put("generateName", "psa-");
    ObjectNode spec = pod.putObject("spec");
    if (podSecurity != null) {
      spec.set("securityContext", podSecurity.deepCopy());
    }
    ObjectNode c = spec.putArray("containers").addObject();
    c.put("name", "main");
    for (String field : List.of("image", "command", "args", "securityContext", "resources")) {
      if (container.has(field)) {
        c.set(field, container.get(field).deepCopy());
      }
    }
    if (volumes != null && container.has("volumeMounts")) {
      c.set("volumeMounts", container.get("volumeMounts").deepCopy());
      spec.set("volumes", volumes.deepCopy());
    }
    return pod;
  }

  private static List<Doc> shippedDocuments(Predicate<String> type) {
    Set<Path> configs = Manifests.kustomizeConfigurations();
    List<Doc> docs = new ArrayList<>();
    for (Path file : Manifests.yamlFiles("tasks", "examples")) {
      if (file.getFileName().toString().equals("kustomization.yaml") || configs.contains(file)) {
        continue;
      }
      for (JsonNode document : Manifests.documents(file)) {
        if (type.test(Manifests.typeOf(document))) {
          docs.add(new Doc(Manifests.root().relativize(file).toString(), document));
        }
      }
    }
    return docs;
  }

  /**
   * Argo's kinds that are objects in a cluster. An {@code ExecutorPlugin} is not: it is the input
   * of {@code argo executor-plugin build}, whose ConfigMap output ArgoPluginManifestsIT compares
   * with the shipped one and dry-runs.
   */
  private static boolean isArgoClusterObject(String type) {
    return type.startsWith("argoproj.io/") && !type.endsWith("/ExecutorPlugin");
  }

  private static void dryRunStrict(Doc doc, String ns, List<String> passed, List<String> failed) {
    try {
      admin
          .resource(generic(doc.body()))
          .inNamespace(ns)
          .dryRun()
          .fieldValidation(Validation.STRICT)
          .create();
      passed.add(doc.where() + " " + Manifests.typeOf(doc.body()));
    } catch (KubernetesClientException e) {
      failed.add(doc.where() + ": " + e.getCode() + " " + e.getMessage());
    }
  }

  private static GenericKubernetesResource generic(JsonNode document) {
    return admin
        .getKubernetesSerialization()
        .unmarshal(document.toString(), GenericKubernetesResource.class);
  }

  /** Creates or replaces the CRDs of one release (server-side apply) and waits until served. */
  private static void installCrds(String release) throws Exception {
    Set<String> names = new TreeSet<>();
    for (Path file : crds(release)) {
      for (JsonNode document : crdDocuments(file)) {
        if (!Manifests.typeOf(document).endsWith("/CustomResourceDefinition")) {
          continue;
        }
        CustomResourceDefinition crd =
            admin
                .getKubernetesSerialization()
                .unmarshal(document.toString(), CustomResourceDefinition.class);
        crd.getMetadata().setResourceVersion(null);
        admin
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .resource(crd)
            .fieldManager("shipped-manifests-it")
            .forceConflicts()
            .serverSideApply();
        names.add(crd.getMetadata().getName());
      }
    }
    for (String name : names) {
      admin
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(name)
          .waitUntilCondition(
              c ->
                  c != null
                      && c.getStatus() != null
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

  /** The Argo full CRDs are several MB of YAML, over SnakeYAML's default 3 MB limit. */
  private static List<JsonNode> crdDocuments(Path file) throws IOException {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(64 * 1024 * 1024);
    ObjectMapper yaml = new ObjectMapper(YAMLFactory.builder().loaderOptions(options).build());
    List<JsonNode> documents = new ArrayList<>();
    try (var values = yaml.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
      while (values.hasNextValue()) {
        JsonNode document = values.nextValue();
        if (document != null && !document.isNull()) {
          documents.add(document);
        }
      }
    }
    return documents;
  }

  private static String namespace(String prefix, Map<String, String> labels) {
    return api.createNamespace(prefix, labels);
  }

  private static boolean allowed(
      KubernetesClient client, String ns, String group, String resource, String verb) {
    SelfSubjectAccessReview review =
        new SelfSubjectAccessReviewBuilder()
            .withNewSpec()
            .withNewResourceAttributes()
            .withNamespace(ns)
            .withGroup(group)
            .withResource(resource)
            .withVerb(verb)
            .endResourceAttributes()
            .endSpec()
            .build();
    return client
        .authorization()
        .v1()
        .selfSubjectAccessReview()
        .create(review)
        .getStatus()
        .getAllowed();
  }

  private static void check(
      List<String> wrong,
      String account,
      KubernetesClient client,
      String ns,
      String group,
      String resource,
      String verb,
      boolean expected) {
    boolean actual = allowed(client, ns, group, resource, verb);
    if (actual != expected) {
      wrong.add(
          account
              + " "
              + verb
              + " "
              + (group.isEmpty() ? "" : group + "/")
              + resource
              + " in "
              + ns
              + ": "
              + (actual ? "allowed" : "denied"));
    }
  }

  private static int code(Runnable call) {
    try {
      call.run();
      return 200;
    } catch (KubernetesClientException e) {
      return e.getCode();
    }
  }

  private static Path taskFile() {
    return Manifests.root().resolve("tasks/task/remediation-state/0.1/remediation-state.yaml");
  }
}
