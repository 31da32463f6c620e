package dev.remediationstate.customrun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The fields of a {@code tekton.dev/v1beta1} CustomRun this controller reads, taken from the
 * object's JSON (no typed Tekton model: see docs/serve.md). Pure; never throws for a malformed
 * object: what cannot be read is kept as a problem for {@link RunDecision} to report.
 *
 * @param params string params by name; {@code badParam} names the first non-string one
 * @param timeout per-attempt timeout; empty means none ({@code 0s}); {@code badTimeout} is set when
 *     {@code spec.timeout} cannot be parsed
 * @param status the current {@code .status} (an empty object when there is none)
 */
public record CustomRun(
    String namespace,
    String name,
    String uid,
    long generation,
    Instant created,
    String refApiVersion,
    String refKind,
    Map<String, String> params,
    String badParam,
    int retries,
    Optional<Duration> timeout,
    String badTimeout,
    boolean cancelled,
    String statusMessage,
    boolean hasWorkspaces,
    ObjectNode status) {

  /** Tekton's {@code DefaultTimeoutMinutes}: the timeout when {@code spec.timeout} is unset. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(60);

  public static final String CANCELLED = "RunCancelled";

  public String key() {
    return namespace + "/" + name;
  }

  /** Reads the object; {@code json} is the whole CustomRun. */
  public static CustomRun of(JsonNode json) {
    JsonNode meta = json.path("metadata");
    JsonNode spec = json.path("spec");
    JsonNode ref = spec.path("customRef");
    Map<String, String> params = new LinkedHashMap<>();
    String badParam = null;
    for (JsonNode param : spec.path("params")) {
      String name = param.path("name").asText("");
      JsonNode value = param.path("value");
      if (value.isTextual()) {
        params.put(name, value.asText());
      } else if (badParam == null) {
        badParam = name;
      }
    }
    Optional<Duration> timeout = Optional.of(DEFAULT_TIMEOUT);
    String badTimeout = null;
    JsonNode timeoutNode = spec.path("timeout");
    if (timeoutNode.isTextual()) {
      try {
        Duration parsed = GoDuration.parse(timeoutNode.asText());
        timeout = parsed.isZero() ? Optional.empty() : Optional.of(parsed);
      } catch (IllegalArgumentException | ArithmeticException e) {
        badTimeout = timeoutNode.asText();
      }
    }
    JsonNode status = json.path("status");
    return new CustomRun(
        meta.path("namespace").asText(""),
        meta.path("name").asText(""),
        meta.path("uid").asText(""),
        meta.path("generation").asLong(0),
        instant(meta.path("creationTimestamp")).orElse(Instant.EPOCH),
        ref.path("apiVersion").asText(null),
        ref.path("kind").asText(null),
        params,
        badParam,
        Math.max(0, spec.path("retries").asInt(0)),
        timeout,
        badTimeout,
        CANCELLED.equals(spec.path("status").asText("")),
        spec.path("statusMessage").asText(""),
        spec.path("workspaces").size() > 0,
        status.isObject()
            ? (ObjectNode) timesAsStrings(((ObjectNode) status).deepCopy())
            : JsonNodeFactory.instance.objectNode());
  }

  /**
   * Turns every {@code {"Time": "..."}} object back into its string: what fabric8's typed Tekton
   * model (knative-model 7.1.0's {@code VolatileTime}) makes of a time when it is on the class
   * path. Written back verbatim (in {@code retriesStatus}, which the CRD does not check), such an
   * object makes Tekton's own controller fail to list every CustomRun of the cluster.
   */
  static JsonNode timesAsStrings(JsonNode node) {
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      if (object.size() == 1 && object.path("Time").isTextual()) {
        return object.get("Time");
      }
      java.util.List<String> names = new java.util.ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        object.set(name, timesAsStrings(object.get(name)));
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        ((com.fasterxml.jackson.databind.node.ArrayNode) node).set(i, timesAsStrings(node.get(i)));
      }
    }
    return node;
  }

  /** True when {@code customRef} names this kind. */
  public boolean isFor(String apiVersion, String kind) {
    return apiVersion.equals(refApiVersion) && kind.equals(refKind);
  }

  /** The {@code Succeeded} condition's status: {@code True}, {@code False}, {@code Unknown}. */
  public Optional<String> succeeded() {
    for (JsonNode condition : status.path("conditions")) {
      if ("Succeeded".equals(condition.path("type").asText())) {
        return Optional.of(condition.path("status").asText("Unknown"));
      }
    }
    return Optional.empty();
  }

  public boolean done() {
    return succeeded().map(s -> s.equals("True") || s.equals("False")).orElse(false);
  }

  public Optional<Instant> startTime() {
    return instant(status.path("startTime"));
  }

  public int failedAttempts() {
    return status.path("retriesStatus").size();
  }

  static Optional<Instant> instant(JsonNode node) {
    if (!node.isTextual()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(node.asText()));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
