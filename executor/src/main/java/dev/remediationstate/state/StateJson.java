package dev.remediationstate.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.remediationstate.failure.InvalidStateException;
import java.util.List;

/**
 * Reads and writes {@code state.json}. Reading treats the stored bytes as untrusted: bounded
 * nesting and string sizes, strict enums, and the structural invariants of {@link StateInvariants}.
 * Any violation is an {@link InvalidStateException}; nothing is ever written from a state that
 * failed to read.
 */
public final class StateJson {
  /** Nesting allowed in stored JSON, generous for unknown fields of newer schemas. */
  public static final int MAX_DEPTH = 64;

  private static final ObjectMapper MAPPER = mapper(MAX_DEPTH);

  private StateJson() {}

  /** A mapper with the project's settings: ISO timestamps, no nulls, bounded input. */
  public static ObjectMapper mapper(int maxDepth) {
    JsonMapper mapper =
        JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(maxDepth)
                .maxStringLength(4 * 1024 * 1024)
                .maxNumberLength(32)
                .build());
    return mapper;
  }

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static String write(RemediationState state) {
    try {
      return MAPPER.writeValueAsString(state);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("state cannot be serialized", e);
    }
  }

  public static String writePretty(RemediationState state) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(state);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("state cannot be serialized", e);
    }
  }

  /**
   * Parses and checks a stored state; an older schema is migrated in memory first ({@link
   * Migrations}).
   *
   * @param where names the object in error messages, e.g. {@code configmap/task-a-state}
   */
  public static RemediationState read(String json, String where) {
    RemediationState state = parse(json, where);
    List<String> problems = StateInvariants.check(state);
    if (!problems.isEmpty()) {
      throw new InvalidStateException(
          where + ": state.json is inconsistent: " + String.join("; ", problems));
    }
    return state;
  }

  /**
   * Parses a stored state and migrates an older schema, without checking the invariants: what
   * {@code recover} starts from. Unreadable JSON is an {@link InvalidStateException}.
   */
  public static RemediationState parse(String json, String where) {
    try {
      JsonNode tree = MAPPER.readTree(json);
      if (tree == null || !tree.isObject()) {
        throw new InvalidStateException(where + ": state.json is not a JSON object");
      }
      ObjectNode current = Migrations.upgrade((ObjectNode) tree, where);
      RemediationState state = MAPPER.treeToValue(current, RemediationState.class);
      if (state == null) {
        throw new InvalidStateException(where + ": state.json is null");
      }
      return state;
    } catch (JsonProcessingException e) {
      throw new InvalidStateException(
          where + ": state.json is not a valid state: " + problem(e), e);
    } catch (IllegalArgumentException e) {
      throw new InvalidStateException(
          where + ": state.json is not a valid state: a value has the wrong type or form", e);
    }
  }

  /**
   * What is wrong with a JSON document, named by kind and place only: the parser's own message
   * quotes the offending input, which may hold a secret, so it is never shown.
   */
  public static String problem(JsonProcessingException e) {
    String kind;
    if (e instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException) {
      kind = "nests too deeply or holds an oversized value";
    } else if (e.getOriginalMessage() != null
        && e.getOriginalMessage().startsWith("Duplicate field")) {
      kind = "a field is given twice";
    } else if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException) {
      kind = "an unknown field";
    } else if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException) {
      kind = "a value has the wrong type or form";
    } else if (e instanceof com.fasterxml.jackson.core.io.JsonEOFException) {
      kind = "the document ends early";
    } else if (e instanceof com.fasterxml.jackson.core.JsonParseException) {
      kind = "malformed JSON";
    } else {
      kind = "a value cannot be read";
    }
    JsonLocation at = e.getLocation();
    return at == null || at.getLineNr() < 1
        ? kind
        : kind + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
  }
}
