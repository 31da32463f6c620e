package dev.remediationstate.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RedactorTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "token ghp_R8x2Lq9ZtW4mN7vB1cK5dF3hJ6gP0sYaUeXo leaked | token [REDACTED:github-token] leaked",
        "gho_abcdefghijklmnopqrstuvwxyz0123456789 | [REDACTED:github-token]",
        "ghu_abcdefghijklmnopqrstuvwxyz0123456789 | [REDACTED:github-token]",
        "ghs_abcdefghijklmnopqrstuvwxyz0123456789 | [REDACTED:github-token]",
        "ghr_abcdefghijklmnopqrstuvwxyz0123456789 | [REDACTED:github-token]",
        "pat=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEF | pat=[REDACTED:github-token]",
        "key AKIAIOSFODNN7EXAMPLE in env | key [REDACTED:aws-access-key-id] in env",
        "ASIAY34FZKBOKMUTVV7A | [REDACTED:aws-access-key-id]",
        "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx | [REDACTED:slack-token]",
        "xoxp-1234567890-abcdef | [REDACTED:slack-token]",
        "t=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6y | t=[REDACTED:jwt]",
        "Authorization: Bearer Zm9vYmFyYmF6cXV4LXNlY3JldC10b2tlbi12YWx1ZQ | Authorization: Bearer [REDACTED:bearer-token]",
        "authorization: bearer abcdefghij0123456789xyz== | authorization: bearer [REDACTED:bearer-token]",
        "postgres://app:s3cr3t-Passw0rd@db.internal:5432/orders | postgres://app:[REDACTED:url-password]@db.internal:5432/orders",
        "https://user:p%40ss@example.com/x | https://user:[REDACTED:url-password]@example.com/x",
      })
  void redactsEachKindOfSecret(String text, String expected) {
    Redactor.Redacted redacted = Redactor.redact(text);
    assertEquals(expected, redacted.text());
    assertEquals(1, redacted.count());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "the ghp_ prefix marks a personal access token",
        "ghp_short123",
        "GHP_abcdefghijklmnopqrstuvwxyz0123456789",
        "AKIA1234 is too short for an access key",
        "AKIAIOSFODNN7EXAMPLEX1 runs on past twenty characters",
        "xoxz-123456789012-not-a-slack-prefix",
        "eyJhbGciOiJIUzI1NiJ9 alone is a header, not a token",
        "Bearer authentication is required for this endpoint",
        "use a bearer token; Bearer tokens expire",
        "http://localhost:8080/health",
        "mail jane.doe@example.com or see https://jane@example.com/profile",
        "ssh://git@github.com:22/org/repo.git",
        "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----END PUBLIC KEY-----",
        "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----",
        "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
      })
  void leavesNearMissesAlone(String text) {
    Redactor.Redacted redacted = Redactor.redact(text);
    assertEquals(text, redacted.text());
    assertEquals(0, redacted.count());
  }

  @ParameterizedTest
  @ValueSource(strings = {"RSA ", "EC ", "OPENSSH ", "ENCRYPTED ", ""})
  void redactsWholePrivateKeyBlocks(String kind) {
    String text =
        "key:\n-----BEGIN "
            + kind
            + "PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nAAAA\n"
            + "-----END "
            + kind
            + "PRIVATE KEY-----\nafter";
    Redactor.Redacted redacted = Redactor.redact(text);
    assertEquals("key:\n[REDACTED:private-key]\nafter", redacted.text());
    assertEquals(1, redacted.count());
  }

  @org.junit.jupiter.api.Test
  void redactsAnUnterminatedPrivateKeyToTheEnd() {
    Redactor.Redacted redacted =
        Redactor.redact("pasted: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEF");
    assertEquals("pasted: [REDACTED:private-key]", redacted.text());
  }

  @org.junit.jupiter.api.Test
  void countsEverySecretAndRedactsAJwtInABearerHeaderOnce() {
    Redactor.Redacted redacted =
        Redactor.redact(
            "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fw"
                + " and AKIAIOSFODNN7EXAMPLE and AKIAIOSFODNN7EXAMPL2");
    assertEquals(
        "Authorization: Bearer [REDACTED:jwt] and [REDACTED:aws-access-key-id] and"
            + " [REDACTED:aws-access-key-id]",
        redacted.text());
    assertEquals(3, redacted.count());
  }

  @org.junit.jupiter.api.Test
  void initRedactsMetadataValues() {
    dev.remediationstate.action.Outcome outcome =
        new dev.remediationstate.action.InitAction(
                new dev.remediationstate.state.TaskId("t"),
                3,
                java.util.Map.of("repo", "https://bot:hunter22@git.example.com/r.git"))
            .apply(java.util.Optional.empty(), java.time.Instant.EPOCH);
    assertEquals(
        "https://bot:[REDACTED:url-password]@git.example.com/r.git",
        outcome.next().orElseThrow().metadata().get("repo"));
  }
}
