package dev.remediationstate.feedback;

import dev.remediationstate.state.IssueType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * "The same finding" across reviews. A fingerprint is the first 16 hex digits of SHA-256 over the
 * issue type, the normalized description and the normalized criteria. Normalizing lowercases,
 * replaces every run of digits with '#' (line numbers and counts change between runs) and folds
 * everything that is not a letter or '#' into single spaces.
 */
public final class Fingerprint {
  private Fingerprint() {}

  public static String of(IssueType type, String description, List<String> criteria) {
    StringBuilder text = new StringBuilder(type == null ? "" : type.value()).append('\n');
    text.append(normalize(description)).append('\n');
    criteria.stream()
        .map(Fingerprint::normalize)
        .sorted()
        .forEach(c -> text.append(c).append('\n'));
    return sha256(text.toString()).substring(0, 16);
  }

  static String normalize(String text) {
    if (text == null) {
      return "";
    }
    String lower = text.toLowerCase(Locale.ROOT).replaceAll("\\p{Nd}+", "#");
    return lower.replaceAll("[^\\p{L}#]+", " ").trim();
  }

  public static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }
}
