package dev.remediationstate.feedback;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces secrets in free text with a typed marker {@code [REDACTED:<type>]} before anything is
 * stored. The patterns (documented in the README) aim at credentials with a recognizable shape;
 * they leave ordinary prose, hostnames with ports, e-mail addresses and short look-alikes alone. A
 * pure function: the same text always gives the same result.
 */
public final class Redactor {
  /** The text after redaction and the number of secrets replaced. */
  public record Redacted(String text, int count) {}

  private record Rule(String type, Pattern pattern, int group) {}

  private static final List<Rule> RULES =
      List.of(
          // A whole PEM private-key block; an unterminated one is cut to the end of the text.
          new Rule(
              "private-key",
              Pattern.compile(
                  "-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----(?:.*?-----END \\1PRIVATE KEY-----|.*\\z)",
                  Pattern.DOTALL),
              0),
          new Rule(
              "jwt",
              Pattern.compile(
                  "\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{16,}"),
              0),
          new Rule("github-token", Pattern.compile("\\bgh[pousr]_[A-Za-z0-9]{30,255}\\b"), 0),
          new Rule("github-token", Pattern.compile("\\bgithub_pat_[A-Za-z0-9_]{22,255}\\b"), 0),
          new Rule("aws-access-key-id", Pattern.compile("\\b(?:AKIA|ASIA)[A-Z0-9]{16}\\b"), 0),
          new Rule("slack-token", Pattern.compile("\\bxox[baprs]-[A-Za-z0-9-]{10,250}"), 0),
          // The credential after "Bearer": at least 20 token characters, one of them a digit.
          new Rule(
              "bearer-token",
              Pattern.compile(
                  "(?i)\\bbearer\\s+((?=[A-Za-z0-9._~+/-]*[0-9])[A-Za-z0-9._~+/-]{20,}=*)"),
              1),
          // The password of scheme://user:password@host.
          new Rule(
              "url-password",
              Pattern.compile("\\b[A-Za-z][A-Za-z0-9+.-]*://[^\\s/:@]+:([^\\s/@]+)@"),
              1));

  private Redactor() {}

  public static Redacted redact(String text) {
    if (text == null || text.isEmpty()) {
      return new Redacted(text, 0);
    }
    String current = text;
    int count = 0;
    for (Rule rule : RULES) {
      Matcher m = rule.pattern().matcher(current);
      StringBuilder out = null;
      int last = 0;
      while (m.find()) {
        if (out == null) {
          out = new StringBuilder(current.length());
        }
        out.append(current, last, m.start(rule.group()))
            .append("[REDACTED:")
            .append(rule.type())
            .append(']');
        last = m.end(rule.group());
        count++;
      }
      if (out != null) {
        current = out.append(current, last, current.length()).toString();
      }
    }
    return new Redacted(current, count);
  }
}
