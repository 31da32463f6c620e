package dev.remediationstate.customrun;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;

/** CustomRuns as the Tekton PipelineRun controller creates them, as JSON. */
final class Runs {
  static final String API_VERSION = "remediation-state.dev/v1alpha1";
  static final String KIND = "RemediationStep";
  static final Instant CREATED = Instant.parse("2026-01-01T10:00:00Z");

  private Runs() {}

  static ObjectNode run(String name, Map<String, String> params) {
    ObjectNode run = JsonNodeFactory.instance.objectNode();
    run.put("apiVersion", "tekton.dev/v1beta1").put("kind", "CustomRun");
    ObjectNode meta = run.putObject("metadata");
    meta.put("namespace", "ns")
        .put("name", name)
        .put("uid", "uid-" + name)
        .put("generation", 1)
        .put("resourceVersion", "1")
        .put("creationTimestamp", CREATED.toString());
    meta.putObject("labels")
        .put("tekton.dev/pipelineRun", "pr")
        .put("tekton.dev/pipelineTask", name);
    meta.putArray("ownerReferences")
        .addObject()
        .put("apiVersion", "tekton.dev/v1")
        .put("kind", "PipelineRun")
        .put("name", "pr")
        .put("uid", "pr-uid")
        .put("controller", true);
    ObjectNode spec = run.putObject("spec");
    spec.putObject("customRef").put("apiVersion", API_VERSION).put("kind", KIND);
    ArrayNode list = spec.putArray("params");
    params.forEach((k, v) -> list.addObject().put("name", k).put("value", v));
    spec.put("timeout", "1h0m0s");
    return run;
  }

  static ObjectNode withRetries(ObjectNode run, int retries) {
    ((ObjectNode) run.get("spec")).put("retries", retries);
    return run;
  }

  static ObjectNode withTimeout(ObjectNode run, String timeout) {
    ((ObjectNode) run.get("spec")).put("timeout", timeout);
    return run;
  }

  static ObjectNode withStatus(ObjectNode run, ObjectNode status) {
    run.set("status", status);
    return run;
  }

  static ObjectNode cancelled(ObjectNode run, String message) {
    ((ObjectNode) run.get("spec")).put("status", "RunCancelled").put("statusMessage", message);
    return run;
  }

  static String condition(ObjectNode status, String field) {
    return status.path("conditions").get(0).path(field).asText();
  }
}
