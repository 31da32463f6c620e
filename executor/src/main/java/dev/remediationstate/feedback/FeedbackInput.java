package dev.remediationstate.feedback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.remediationstate.failure.InvalidInputException;
import dev.remediationstate.state.IssueType;
import dev.remediationstate.state.Severity;
import dev.remediationstate.state.StateJson;
import dev.remediationstate.state.Verdict;
import dev.remediationstate.state.WireValue;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One QA finding as submitted to {@code record-feedback}, validated field by field. Parsing is pure
 * and happens before the state is read, so bad input never reaches a write. Every error names the
 * field ({@code feedback.<field>}) and what is wrong.
 *
 * <p>Field names are camelCase; the snake_case spellings are accepted too. Unknown fields are
 * rejected, and so are repeated ones. A leading byte-order mark is ignored. Control characters
 * other than newline and tab, and format characters (zero-width, bidi), are removed from every
 * string; lone surrogates (text that cannot be UTF-8) are refused. A text over its cap is cut,
 * keeping its head and tail around a visible marker, and counted in {@link #truncated()}; a list
 * over {@value #MAX_ITEMS} items keeps its first items and a marker item. Only structurally invalid
 * input is refused: the document is at most {@value #MAX_DOCUMENT_BYTES} bytes of UTF-8 and {@value
 * #MAX_DEPTH} levels deep; {@code sourceRef} and {@code fingerprint} are identifiers and are
 * refused when too long.
 *
 * <p>{@link #redacted()} replaces secrets in every free-text field (see {@link Redactor}); the
 * action stores only the redacted form.
 */
public record FeedbackInput(
    Verdict verdict,
    Severity severity,
    IssueType issueType,
    String description,
    List<String> criteriaNotMet,
    List<String> reproductionSteps,
    String expectedBehavior,
    String actualBehavior,
    String sourceRef,
    String author,
    Integer iteration,
    String fingerprint,
    int truncated) {

  /** Largest accepted document, in bytes. */
  public static final int MAX_DOCUMENT_BYTES = 256 * 1024;

  public static final int MAX_DEPTH = 8;
  public static final int MAX_TEXT = 16 * 1024;
  public static final int MAX_SHORT_TEXT = 4 * 1024;
  public static final int MAX_ITEMS = 50;
  public static final int MAX_ITEM = 2 * 1024;
  public static final int MAX_REF = 253;

  private static final ObjectMapper MAPPER = StateJson.mapper(MAX_DEPTH);

  private static final Map<String, String> FIELDS = new LinkedHashMap<>();

  static {
    for (String f :
        List.of(
            "verdict",
            "severity",
            "issueType",
            "description",
            "criteriaNotMet",
            "reproductionSteps",
            "expectedBehavior",
            "actualBehavior",
            "sourceRef",
            "author",
            "iteration",
            "fingerprint")) {
      FIELDS.put(f, f);
      FIELDS.put(f.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT), f);
    }
  }

  public static FeedbackInput parse(String given) {
    String json = given != null && given.startsWith("\uFEFF") ? given.substring(1) : given;
    if (json == null || json.isBlank()) {
      throw new InvalidInputException("feedback", "is empty; give a JSON object");
    }
    long bytes = json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (bytes > MAX_DOCUMENT_BYTES) {
      throw new InvalidInputException(
          "feedback", "is " + bytes + " bytes of UTF-8; at most " + MAX_DOCUMENT_BYTES);
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
      throw new InvalidInputException(
          "feedback", "nests deeper than " + MAX_DEPTH + " levels or holds an oversized value");
    } catch (JsonProcessingException e) {
      String duplicate = duplicateField(e);
      if (duplicate != null) {
        throw new InvalidInputException("feedback." + duplicate, "is given twice");
      }
      throw new InvalidInputException("feedback", "is not valid JSON: " + StateJson.problem(e));
    }
    if (root == null || !root.isObject()) {
      throw new InvalidInputException("feedback", "must be a JSON object");
    }
    Map<String, JsonNode> fields = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String canonical = FIELDS.get(e.getKey());
      if (canonical == null) {
        throw new InvalidInputException(
            safeName(e.getKey()).map(n -> "feedback." + n).orElse("feedback"),
            (safeName(e.getKey()).isPresent()
                    ? "is not a known field"
                    : "holds a field that is not known (its name is not shown)")
                + "; known: "
                + String.join(", ", new java.util.LinkedHashSet<>(FIELDS.values())));
      }
      if (fields.put(canonical, e.getValue()) != null) {
        throw new InvalidInputException("feedback." + canonical, "is given twice");
      }
    }

    int[] cut = {0};
    Verdict verdict = enumField(fields, "verdict", Verdict.class, Verdict.CHANGES_REQUESTED);
    boolean changes = verdict == Verdict.CHANGES_REQUESTED;
    Severity severity = enumField(fields, "severity", Severity.class, null);
    IssueType issueType = enumField(fields, "issueType", IssueType.class, null);
    String description = text(fields, "description", MAX_TEXT, cut);
    if (changes) {
      require(severity, "severity", "is required when verdict is changes-requested");
      require(issueType, "issueType", "is required when verdict is changes-requested");
      if (description == null || description.isBlank()) {
        throw new InvalidInputException(
            "feedback.description", "is required when verdict is changes-requested");
      }
    }
    String sourceRef = text(fields, "sourceRef", MAX_REF, null);
    if (sourceRef != null && (sourceRef.isBlank() || sourceRef.contains("\n"))) {
      throw new InvalidInputException("feedback.sourceRef", "must be one non-blank line");
    }
    String fingerprint = text(fields, "fingerprint", 64, null);
    if (fingerprint != null && !fingerprint.matches("[A-Za-z0-9._:-]{1,64}")) {
      throw new InvalidInputException(
          "feedback.fingerprint", "must be 1 to 64 letters, digits or . _ : -");
    }
    return new FeedbackInput(
        verdict,
        severity,
        issueType,
        description,
        list(fields, "criteriaNotMet", cut),
        list(fields, "reproductionSteps", cut),
        text(fields, "expectedBehavior", MAX_SHORT_TEXT, cut),
        text(fields, "actualBehavior", MAX_SHORT_TEXT, cut),
        sourceRef,
        text(fields, "author", 128, cut),
        iteration(fields),
        fingerprint,
        cut[0]);
  }

  /**
   * A field name safe to echo: a short identifier in which the redactor finds nothing. Anything
   * else (it might be a pasted secret) is not shown.
   */
  static java.util.Optional<String> safeName(String name) {
    if (name.length() > 40
        || !name.matches("[A-Za-z_][A-Za-z0-9_]*")
        || Redactor.redact(name).count() > 0) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(name);
  }

  /** The known field a duplicate-field error names, or null (an unknown name is never echoed). */
  private static String duplicateField(JsonProcessingException e) {
    String msg = e.getOriginalMessage();
    if (msg == null || !msg.startsWith("Duplicate field '")) {
      return null;
    }
    int end = msg.indexOf('\'', 17);
    return end < 0 ? null : FIELDS.get(msg.substring(17, end));
  }

  /** This input with secrets replaced in every free-text field, and how many were replaced. */
  public Redacted redacted() {
    int[] count = {0};
    java.util.function.UnaryOperator<String> r =
        text -> {
          Redactor.Redacted out = Redactor.redact(text);
          count[0] += out.count();
          return out.text();
        };
    FeedbackInput clean =
        new FeedbackInput(
            verdict,
            severity,
            issueType,
            r.apply(description),
            criteriaNotMet.stream().map(r).toList(),
            reproductionSteps.stream().map(r).toList(),
            r.apply(expectedBehavior),
            r.apply(actualBehavior),
            r.apply(sourceRef),
            r.apply(author),
            iteration,
            redactedFingerprint(fingerprint, count),
            truncated);
    return new Redacted(clean, count[0]);
  }

  /**
   * A fingerprint that holds a secret is replaced by a hash of it: the same value still marks the
   * same finding, and the secret is neither stored nor echoed in the {@code fingerprint} result.
   */
  private static String redactedFingerprint(String fingerprint, int[] count) {
    if (!Redactor.holdsSecret(fingerprint)) {
      return fingerprint;
    }
    count[0]++;
    return "redacted-" + Fingerprint.sha256(fingerprint).substring(0, 16);
  }

  /** An input after redaction and the number of secrets it held. */
  public record Redacted(FeedbackInput input, int count) {}

  private static void require(Object value, String field, String problem) {
    if (value == null) {
      throw new InvalidInputException("feedback." + field, problem);
    }
  }

  private static <E extends Enum<E> & WireValue> E enumField(
      Map<String, JsonNode> fields, String name, Class<E> type, E fallback) {
    JsonNode node = fields.get(name);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isTextual()) {
      throw new InvalidInputException("feedback." + name, "must be a string");
    }
    return WireValue.parse(type, node.textValue())
        .orElseThrow(
            () ->
                new InvalidInputException(
                    "feedback." + name, "must be one of " + WireValue.choices(type)));
  }

  /**
   * A text field: cleaned, and cut to {@code max} with a visible marker when longer ({@code cut}
   * counts the cuts; null: the field is an identifier and too long is refused).
   */
  private static String text(Map<String, JsonNode> fields, String name, int max, int[] cut) {
    JsonNode node = fields.get(name);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new InvalidInputException("feedback." + name, "must be a string");
    }
    return fit(clean(node.textValue(), "feedback." + name), "feedback." + name, max, cut);
  }

  /** Marks the middle that {@link #fit} cut out of a text. */
  static final String CUT_MARKER = "\n…[cut %d of %d characters]…\n";

  /**
   * {@code text} whole, or its head and tail around a marker saying how much was cut, within {@code
   * max} characters; a surrogate pair is never split. With {@code cut} null a text over the limit
   * is refused instead.
   */
  static String fit(String text, String field, int max, int[] cut) {
    if (text.length() <= max) {
      return text;
    }
    if (cut == null) {
      throw new InvalidInputException(
          field, "is " + text.length() + " characters; at most " + max + " allowed");
    }
    cut[0]++;
    // The marker's digits are at most those of the original length, twice.
    int markerRoom = String.format(CUT_MARKER, text.length(), text.length()).length();
    int keep = max - markerRoom;
    int head = keep * 2 / 3;
    int tailStart = text.length() - (keep - head);
    if (Character.isHighSurrogate(text.charAt(head - 1))) {
      head--;
    }
    if (Character.isLowSurrogate(text.charAt(tailStart))) {
      tailStart++;
    }
    String cutText = String.format(CUT_MARKER, tailStart - head, text.length());
    return text.substring(0, head) + cutText + text.substring(tailStart);
  }

  private static List<String> list(Map<String, JsonNode> fields, String name, int[] cut) {
    JsonNode node = fields.get(name);
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (node.isTextual()) {
      return List.of(fit(clean(node.textValue(), "feedback." + name), name, MAX_ITEM, cut));
    }
    if (!node.isArray()) {
      throw new InvalidInputException("feedback." + name, "must be an array of strings");
    }
    List<String> items = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      String at = "feedback." + name + "[" + i + "]";
      if (!item.isTextual()) {
        throw new InvalidInputException(at, "must be a string");
      }
      if (items.size() < MAX_ITEMS - 1 || node.size() == MAX_ITEMS) {
        items.add(fit(clean(item.textValue(), at), at, MAX_ITEM, cut));
      }
    }
    if (node.size() > MAX_ITEMS) {
      cut[0]++;
      items.add("…[cut " + (node.size() - items.size()) + " of " + node.size() + " items]…");
    }
    return items;
  }

  private static Integer iteration(Map<String, JsonNode> fields) {
    JsonNode node = fields.get("iteration");
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.canConvertToInt() || !node.isIntegralNumber() || node.intValue() < 1) {
      throw new InvalidInputException("feedback.iteration", "must be a positive whole number");
    }
    return node.intValue();
  }

  /**
   * Removes control characters other than newline and tab, and every format character (Unicode
   * category Cf: zero-width spaces and joiners, bidi embeddings, overrides and isolates, the
   * byte-order mark), which can hide or reorder text in a reviewer's view.
   */
  static String clean(String value, String field) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c)
          ? i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))
          : Character.isLowSurrogate(c)
              && (i == 0 || !Character.isHighSurrogate(value.charAt(i - 1)))) {
        throw new InvalidInputException(field, "is not valid UTF-8 text (lone surrogate)");
      }
      boolean control = (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c < 0xa0);
      boolean format = Character.getType(c) == Character.FORMAT;
      if (!control && !format) {
        out.append(c);
      }
    }
    return out.toString();
  }
}
