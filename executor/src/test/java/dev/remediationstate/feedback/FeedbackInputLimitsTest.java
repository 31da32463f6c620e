package dev.remediationstate.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.remediationstate.failure.InvalidInputException;
import org.junit.jupiter.api.Test;

class FeedbackInputLimitsTest {
  private static String field(String violation) {
    return assertThrows(InvalidInputException.class, () -> FeedbackInput.parse(violation)).field();
  }

  @Test
  void eachViolationNamesItsField() {
    String base = "{\"severity\":\"low\",\"issueType\":\"bug\",\"description\":\"d\"";
    assertEquals(
        "feedback.description",
        field(
            "{\"severity\":\"low\",\"issueType\":\"bug\",\"description\":\""
                + "x".repeat(FeedbackInput.MAX_TEXT + 1)
                + "\"}"));
    assertEquals(
        "feedback.expectedBehavior",
        field(
            base
                + ",\"expectedBehavior\":\""
                + "x".repeat(FeedbackInput.MAX_SHORT_TEXT + 1)
                + "\"}"));
    assertEquals(
        "feedback.criteriaNotMet[1]",
        field(
            base
                + ",\"criteriaNotMet\":[\"a\",\""
                + "x".repeat(FeedbackInput.MAX_ITEM + 1)
                + "\"]}"));
    assertEquals(
        "feedback.reproductionSteps[0]", field(base + ",\"reproductionSteps\":[{\"a\":1}]}"));
    assertEquals("feedback.actualBehavior", field(base + ",\"actualBehavior\":\"\\ud800x\"}"));
    assertEquals("feedback.sourceRef", field(base + ",\"sourceRef\":\"" + "r".repeat(254) + "\"}"));
    assertEquals("feedback", field(base + ",\"expectedBehavior\":[[[[[[[[[\"deep\"]]]]]]]]]}"));
    assertEquals(
        "feedback",
        field(base + ",\"author\":\"" + "é".repeat(FeedbackInput.MAX_DOCUMENT_BYTES / 2) + "\"}"));
  }

  @Test
  void controlCharactersAreRemovedAndSecretsRedactedInEveryTextField() {
    FeedbackInput input =
        FeedbackInput.parse(
            "{\"severity\":\"low\",\"issueType\":\"bug\",\"description\":\"a\\u0007b AKIAIOSFODNN7EXAMPLE\","
                + "\"criteriaNotMet\":[\"xoxb-123456789012-abcdef\"],"
                + "\"reproductionSteps\":[\"curl https://u:hunter22@h/x\"],"
                + "\"expectedBehavior\":\"ghp_abcdefghijklmnopqrstuvwxyz0123456789\","
                + "\"actualBehavior\":\"Authorization: Bearer abcdefghij0123456789xyz\"}");
    assertEquals("ab AKIAIOSFODNN7EXAMPLE", input.description());
    FeedbackInput.Redacted redacted = input.redacted();
    assertEquals(5, redacted.count());
    assertEquals("ab [REDACTED:aws-access-key-id]", redacted.input().description());
    assertEquals("[REDACTED:slack-token]", redacted.input().criteriaNotMet().get(0));
    assertEquals(
        "curl https://u:[REDACTED:url-password]@h/x", redacted.input().reproductionSteps().get(0));
    assertEquals("[REDACTED:github-token]", redacted.input().expectedBehavior());
    assertEquals(
        "Authorization: Bearer [REDACTED:bearer-token]", redacted.input().actualBehavior());
  }
}
