package dev.remediationstate.argoplugin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remediationstate.failure.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One {@code template.execute} request of Argo's agent, read for this plugin: the workflow's
 * namespace and uid, and our plugin's spec if the template carries our key.
 *
 * <p>The spec is the action and its parameters, as the CLI's flags without {@code --}:
 *
 * <pre>
 * plugin:
 *   remediation-state:
 *     action: next-iteration
 *     request-id: "{{workflow.uid}}/{{node.name}}"
 *     task-id: "{{workflow.parameters.task-id}}"
 * </pre>
 *
 * The request carries no node id, so the spec names the request id. It must start with the
 * workflow's uid: a constant id would replay one workflow's results in the next. {@code node.name}
 * holds characters a request id may not ({@code [0]}, {@code (1)}); such an id is spelled with
 * {@code -} in their place and made unique again by a hash of the exact value ({@link
 * #requestIdOf}).
 */
record PluginCall(String namespace, String action, String requestId, Map<String, String> params) {
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,252}");
  private static final int READABLE_PART = 236;

  /**
   * Reads the request body. Empty when the template does not carry {@code key} (another plugin's
   * step). Throws {@link InvalidInputException} naming the field when our spec is wrong, and {@link
   * IllegalArgumentException} when the body is not a template.execute request at all.
   */
  static Optional<PluginCall> read(JsonNode body, String key) {
    JsonNode metadata = body.path("workflow").path("metadata");
    JsonNode template = body.path("template");
    if (!metadata.isObject() || !template.isObject()) {
      throw new IllegalArgumentException("the body has no workflow.metadata or template object");
    }
    JsonNode spec = template.path("plugin").path(key);
    if (spec.isMissingNode()) {
      return Optional.empty();
    }
    if (!spec.isObject()) {
      throw new InvalidInputException("plugin." + key, "must be an object of parameters");
    }
    String namespace = text(metadata, "namespace", "workflow.metadata.namespace");
    String uid = text(metadata, "uid", "workflow.metadata.uid");
    String action = text(spec, "action", "action");
    String rawId = text(spec, "request-id", "request-id");
    if (!rawId.startsWith(uid)) {
      throw new InvalidInputException(
          "request-id",
          "must start with the workflow's uid, e.g. \"{{workflow.uid}}/{{node.name}}\"");
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = spec.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = field.getKey();
      if (name.equals("action") || name.equals("request-id")) {
        continue;
      }
      JsonNode value = field.getValue();
      if (!value.isValueNode() || value.isNull()) {
        throw new InvalidInputException(name, "must be a string, number or boolean");
      }
      params.put(name, value.asText());
    }
    return Optional.of(new PluginCall(namespace, action, requestIdOf(rawId), Map.copyOf(params)));
  }

  /**
   * The request id for {@code raw}: itself when it is a valid request id, else its readable part
   * ({@code -} for each other character, at most {@value #READABLE_PART} characters) and {@code :}
   * and 16 hex digits of its SHA-256, so distinct values stay distinct.
   */
  static String requestIdOf(String raw) {
    if (REQUEST_ID.matcher(raw).matches()) {
      return raw;
    }
    StringBuilder readable = new StringBuilder();
    for (int i = 0; i < raw.length() && readable.length() < READABLE_PART; i++) {
      char c = raw.charAt(i);
      boolean allowed =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || (i > 0 && ".:/-".indexOf(c) >= 0);
      readable.append(allowed ? c : '-');
    }
    return readable + ":" + sha256(raw).substring(0, 16);
  }

  private static String text(JsonNode object, String name, String field) {
    JsonNode value = object.path(name);
    if (!value.isValueNode() || value.asText().isEmpty()) {
      throw new InvalidInputException(field, "is required");
    }
    return value.asText();
  }

  private static String sha256(String value) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
