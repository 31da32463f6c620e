package dev.remediationstate.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remediationstate.customrun.KubeRunSource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.InputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * CustomRuns created as Tekton's PipelineRun controller creates them ({@code createCustomRun}):
 * named {@code <pipelinerun>-<pipelinetask>}, a controller ownerReference to the PipelineRun, the
 * {@code tekton.dev/*} labels, params, timeout and retries. Also installs the CustomRun CRD of
 * Tekton v1.15.0 and reads runs back.
 */
final class TektonRuns {
  static final String API_VERSION = "remediation-state.dev/v1alpha1";
  static final String KIND = "RemediationStep";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final String namespace;

  TektonRuns(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** Installs the CustomRun CRD (once per API server) and waits until it is served. */
  static void installCrd(KubernetesClient admin) throws Exception {
    CustomResourceDefinition crd;
    try (InputStream in =
        TektonRuns.class.getResourceAsStream("/crds/tekton-v1.15.0/300-customrun.yaml")) {
      crd = admin.apiextensions().v1().customResourceDefinitions().load(in).item();
    }
    try {
      admin.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
    admin
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(crd.getMetadata().getName())
        .waitUntilCondition(
            c ->
                c != null
                    && c.getStatus() != null
                    && c.getStatus().getConditions().stream()
                        .anyMatch(
                            x -> x.getType().equals("Established") && x.getStatus().equals("True")),
            60,
            TimeUnit.SECONDS);
    // The storage layer answers 429 for a moment after a CRD is established.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        admin.genericKubernetesResources(KubeRunSource.CUSTOM_RUNS).inNamespace("default").list();
        return;
      } catch (KubernetesClientException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  /** A PipelineRun's identity: its name and UID. */
  record PipelineRun(String name, String uid) {
    static PipelineRun random(String name) {
      return new PipelineRun(name, UUID.randomUUID().toString());
    }
  }

  /** Creates the CustomRun of {@code pipelineTask} in {@code run}. */
  GenericKubernetesResource create(
      PipelineRun run,
      String pipelineTask,
      Map<String, String> params,
      String timeout,
      int retries) {
    ObjectNode cr = JSON.createObjectNode();
    cr.put("apiVersion", "tekton.dev/v1beta1").put("kind", "CustomRun");
    ObjectNode meta = cr.putObject("metadata");
    meta.put("name", run.name() + "-" + pipelineTask).put("namespace", namespace);
    meta.putObject("labels")
        .put("tekton.dev/pipeline", "remediation-turn")
        .put("tekton.dev/pipelineRun", run.name())
        .put("tekton.dev/pipelineRunUID", run.uid())
        .put("tekton.dev/pipelineTask", pipelineTask)
        .put("tekton.dev/memberOf", "tasks");
    meta.putArray("ownerReferences")
        .addObject()
        .put("apiVersion", "tekton.dev/v1")
        .put("kind", "PipelineRun")
        .put("name", run.name())
        .put("uid", run.uid())
        .put("controller", true)
        .put("blockOwnerDeletion", true);
    ObjectNode spec = cr.putObject("spec");
    spec.putObject("customRef").put("apiVersion", API_VERSION).put("kind", KIND);
    ArrayNode list = spec.putArray("params");
    params.forEach((k, v) -> list.addObject().put("name", k).put("value", v));
    if (timeout != null) {
      spec.put("timeout", timeout);
    }
    if (retries > 0) {
      spec.put("retries", retries);
    }
    spec.put("serviceAccountName", "default");
    GenericKubernetesResource resource = JSON.convertValue(cr, GenericKubernetesResource.class);
    return client
        .genericKubernetesResources(KubeRunSource.CUSTOM_RUNS)
        .inNamespace(namespace)
        .resource(resource)
        .create();
  }

  /** Patches {@code spec.status: RunCancelled} as the PipelineRun controller does. */
  void cancel(String name, String message) {
    client
        .genericKubernetesResources(KubeRunSource.CUSTOM_RUNS)
        .inNamespace(namespace)
        .withName(name)
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON),
            "[{\"op\":\"add\",\"path\":\"/spec/status\",\"value\":\"RunCancelled\"},"
                + "{\"op\":\"add\",\"path\":\"/spec/statusMessage\",\"value\":\""
                + message
                + "\"}]");
  }

  JsonNode get(String name) {
    GenericKubernetesResource r =
        client
            .genericKubernetesResources(KubeRunSource.CUSTOM_RUNS)
            .inNamespace(namespace)
            .withName(name)
            .get();
    return r == null ? null : JSON.valueToTree(r);
  }

  /** Polls until {@code done} holds for the run, or fails with the run as last seen. */
  JsonNode await(String name, Predicate<JsonNode> done, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = get(name);
      if (last != null && done.test(last)) {
        return last;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(name + " not as expected within " + timeout + ": " + last);
  }

  static Predicate<JsonNode> finished() {
    return run ->
        condition(run).map(c -> !c.path("status").asText().equals("Unknown")).orElse(false);
  }

  static Predicate<JsonNode> reason(String reason) {
    return run -> condition(run).map(c -> c.path("reason").asText().equals(reason)).orElse(false);
  }

  static Optional<JsonNode> condition(JsonNode run) {
    for (JsonNode c : run.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Succeeded")) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  static Map<String, String> results(JsonNode run) {
    Map<String, String> results = new LinkedHashMap<>();
    run.path("status")
        .path("results")
        .forEach(r -> results.put(r.path("name").asText(), r.path("value").asText()));
    return results;
  }

  static Map<String, String> params(String... pairs) {
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      params.put(pairs[i], pairs[i + 1]);
    }
    return params;
  }
}
