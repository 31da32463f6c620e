package dev.remediationstate.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        "feedback.reproductionSteps[0]", field(base + ",\"reproductionSteps\":[{\"a\":1}]}"));
    assertEquals("feedback.actualBehavior", field(base + ",\"actualBehavior\":\"\\ud800x\"}"));
    assertEquals("feedback.sourceRef", field(base + ",\"sourceRef\":\"" + "r".repeat(254) + "\"}"));
    assertEquals("feedback", field(base + ",\"expectedBehavior\":[[[[[[[[[\"deep\"]]]]]]]]]}"));
    assertEquals(
        "feedback",
        field(base + ",\"author\":\"" + "é".repeat(FeedbackInput.MAX_DOCUMENT_BYTES / 2) + "\"}"));
  }

  @Test
  void aTextOverItsLimitIsCutKeepingHeadAndTailWithAVisibleMarker() {
    String base = "{\"severity\":\"low\",\"issueType\":\"bug\",\"description\":\"";
    String description = "HEAD" + "x".repeat(FeedbackInput.MAX_TEXT * 2) + "TAIL";
    StringBuilder items = new StringBuilder();
    for (int i = 0; i < FeedbackInput.MAX_ITEMS + 5; i++) {
      items.append(i == 0 ? "\"" : ",\"").append("item ").append(i).append('"');
    }
    FeedbackInput input =
        FeedbackInput.parse(
            base
                + description
                + "\",\"expectedBehavior\":\""
                + "e".repeat(FeedbackInput.MAX_SHORT_TEXT + 1)
                + "\",\"criteriaNotMet\":[\""
                + "c".repeat(FeedbackInput.MAX_ITEM + 100)
                + "\"],\"reproductionSteps\":["
                + items
                + "]}");
    assertTrue(input.description().length() <= FeedbackInput.MAX_TEXT, "cut to the limit");
    assertTrue(input.description().startsWith("HEAD"), "head kept");
    assertTrue(input.description().endsWith("TAIL"), "tail kept");
    assertTrue(input.description().contains("…[cut "), input.description().substring(0, 40));
    assertTrue(input.expectedBehavior().length() <= FeedbackInput.MAX_SHORT_TEXT);
    assertTrue(input.criteriaNotMet().get(0).length() <= FeedbackInput.MAX_ITEM);
    assertEquals(FeedbackInput.MAX_ITEMS, input.reproductionSteps().size());
    assertEquals(
        "…[cut 6 of 55 items]…", input.reproductionSteps().get(FeedbackInput.MAX_ITEMS - 1));
    assertEquals(4, input.truncated());
  }

  @Test
  void aByteOrderMarkIsAcceptedAndZeroWidthAndBidiCharactersAreRemoved() {
    FeedbackInput input =
        FeedbackInput.parse(
            "\uFEFF{\"severity\":\"low\",\"issueType\":\"bug\","
                + "\"description\":\"pay\u200B\u202Eusd\u202C\u2066ok\u2069\u200D\uFEFF\"}");
    assertEquals("payusdok", input.description());
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
