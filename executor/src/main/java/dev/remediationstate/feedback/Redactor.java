package dev.remediationstate.feedback;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces secrets in free text with a typed marker {@code [REDACTED:<type>]} before anything is
 * stored or echoed. The rules follow the families of the gitleaks default rule set (provider tokens
 * with a recognizable prefix and shape), plus two generic rules for assignments: any value of a
 * password-like key ({@code password: x}, {@code DB_PASSWORD="x"}), and a high-entropy value of a
 * key/secret/token-like key ({@code api_key=...}). They leave ordinary prose, hostnames with ports,
 * e-mail addresses and short look-alikes alone. A pure function: the same text always gives the
 * same result. The families are listed in {@code docs/failure-semantics-notes-issue15.md}.
 */
public final class Redactor {
  /** The text after redaction and the number of secrets replaced. */
  public record Redacted(String text, int count) {}

  /** A rule: what is replaced is {@code group} of each match that {@code accept}s its text. */
  private record Rule(String type, Pattern pattern, int group, Predicate<String> accept) {
    Rule(String type, String regex, int group) {
      this(type, Pattern.compile(regex), group, value -> true);
    }
  }

  /** Shannon entropy, in bits per character, a generic secret value must reach. */
  static final double MIN_ENTROPY = 3.0;

  private static final String KEY_CHARS = "[A-Za-z0-9_.-]*";

  private static final List<Rule> RULES =
      List.of(
          // A whole PEM private-key block; an unterminated one is cut to the end of the text.
          new Rule(
              "private-key",
              Pattern.compile(
                  "-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----(?:.*?-----END \\1PRIVATE KEY-----|.*\\z)",
                  Pattern.DOTALL),
              0,
              value -> true),
          new Rule("jwt", "\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{16,}", 0),
          new Rule("github-token", "\\bgh[pousr]_[A-Za-z0-9]{30,255}\\b", 0),
          new Rule("github-token", "\\bgithub_pat_[A-Za-z0-9_]{22,255}\\b", 0),
          new Rule("gitlab-token", "\\bgl(?:pat|dt|ptt|rt|cbt|imt|agent)-[A-Za-z0-9_-]{20,}", 0),
          new Rule(
              "aws-access-key-id",
              "\\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}\\b",
              0),
          new Rule(
              "aws-secret-access-key",
              "(?i)aws_?secret_?access_?key[\"']?\\s*[:=]\\s*[\"']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])",
              1),
          new Rule("slack-token", "\\bxox[baprse]-[A-Za-z0-9-]{10,250}", 0),
          new Rule(
              "slack-webhook",
              "https://hooks\\.slack\\.com/(?:services|workflows)/[A-Za-z0-9+/_-]{20,}",
              0),
          new Rule("stripe-key", "\\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,247}\\b", 0),
          new Rule("google-api-key", "\\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])", 0),
          new Rule("npm-token", "\\bnpm_[A-Za-z0-9]{36}\\b", 0),
          new Rule("pypi-token", "\\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}", 0),
          new Rule(
              "sendgrid-key", "\\bSG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])", 0),
          new Rule("api-key", "\\bsk-(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,}", 0),
          new Rule("twilio-key", "\\bSK[0-9a-f]{32}\\b", 0),
          new Rule("digitalocean-token", "\\bdo[por]_v1_[a-f0-9]{64}\\b", 0),
          new Rule("shopify-token", "\\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\\b", 0),
          new Rule(
              "basic-auth",
              "(?i)\\bauthorization[\"']?\\s*[:=]\\s*[\"']?basic\\s+([A-Za-z0-9+/]{4,}={0,2})",
              1),
          // The credential after "Bearer": at least 20 token characters, one of them a digit.
          new Rule(
              "bearer-token",
              "(?i)\\bbearer\\s+((?=[A-Za-z0-9._~+/-]*[0-9])[A-Za-z0-9._~+/-]{20,}=*)",
              1),
          // The password of scheme://user:password@host.
          new Rule("url-password", "\\b[A-Za-z][A-Za-z0-9+.-]*://[^\\s/:@]+:([^\\s/@]+)@", 1),
          // Any value assigned to a password-like key.
          new Rule(
              "password",
              Pattern.compile(
                  "(?i)\\b"
                      + KEY_CHARS
                      + "(?:password|passwd|passphrase|pwd)"
                      + KEY_CHARS
                      + "[\"']?\\s*[:=]\\s*[\"']?([^\\s\"',;\\[\\]{}]{3,})"),
              1,
              value -> !value.chars().allMatch(c -> c == '*' || c == 'x' || c == 'X')),
          // A high-entropy value assigned to a key-, secret- or token-like key.
          new Rule(
              "secret",
              Pattern.compile(
                  "(?i)\\b"
                      + KEY_CHARS
                      + "(?:secret|token|api[_-]?key|apikey|access[_-]?key|auth[_-]?key"
                      + "|private[_-]?key|credentials?|client[_-]?secret)"
                      + KEY_CHARS
                      + "[\"']?\\s*[:=]\\s*[\"']?([A-Za-z0-9_./+=:@~-]{12,})"),
              1,
              value -> entropy(value) >= MIN_ENTROPY));

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
        String value = m.group(rule.group());
        if (value == null || value.startsWith("[REDACTED:") || !rule.accept().test(value)) {
          continue;
        }
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

  /** Whether {@code text} holds anything a rule would replace. */
  public static boolean holdsSecret(String text) {
    return text != null && redact(text).count() > 0;
  }

  /** Shannon entropy of {@code s} in bits per character. */
  static double entropy(String s) {
    int[] counts = new int[128];
    int other = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 128) {
        counts[c]++;
      } else {
        other++;
      }
    }
    double bits = 0;
    for (int n : counts) {
      if (n > 0) {
        double p = (double) n / s.length();
        bits -= p * Math.log(p) / Math.log(2);
      }
    }
    if (other > 0) {
      double p = (double) other / s.length();
      bits -= p * Math.log(p) / Math.log(2);
    }
    return bits;
  }
}
