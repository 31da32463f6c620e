package dev.remediationstate.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.failure.InvalidInputException;
import dev.remediationstate.state.IssueType;
import dev.remediationstate.state.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FeedbackInputTest {
  private static String field(String json) {
    return assertThrows(InvalidInputException.class, () -> FeedbackInput.parse(json)).field();
  }

  @Test
  void readsEveryField() {
    FeedbackInput in =
        FeedbackInput.parse(
            "{\"verdict\":\"changes-requested\",\"severity\":\"low\",\"issueType\":\"missing-feature\","
                + "\"description\":\"d\",\"criteriaNotMet\":[\"c1\",\"c2\"],\"reproductionSteps\":[\"s\"],"
                + "\"expectedBehavior\":\"e\",\"actualBehavior\":\"a\",\"sourceRef\":\"r\",\"author\":\"qa\","
                + "\"iteration\":2,\"fingerprint\":\"fp-1\"}");
    assertEquals(IssueType.MISSING_FEATURE, in.issueType());
    assertEquals(List.of("c1", "c2"), in.criteriaNotMet());
    assertEquals(2, in.iteration());
    assertEquals("fp-1", in.fingerprint());
  }

  @Test
  void acceptsSnakeCaseNames() {
    FeedbackInput in =
        FeedbackInput.parse(
            "{\"severity\":\"low\",\"issue_type\":\"bug\",\"description\":\"d\",\"criteria_not_met\":\"one\"}");
    assertEquals(IssueType.BUG, in.issueType());
    assertEquals(List.of("one"), in.criteriaNotMet());
    assertEquals(Verdict.CHANGES_REQUESTED, in.verdict());
  }

  @Test
  void anApprovalNeedsNothingElse() {
    FeedbackInput in = FeedbackInput.parse("{\"verdict\":\"approved\"}");
    assertEquals(Verdict.APPROVED, in.verdict());
    assertNull(in.severity());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"issueType\":\"bug\",\"description\":\"d\"}|feedback.severity",
        "{\"severity\":\"high\",\"description\":\"d\"}|feedback.issueType",
        "{\"severity\":\"high\",\"issueType\":\"bug\"}|feedback.description",
        "{\"severity\":\"high\",\"issueType\":\"bug\",\"description\":\"  \"}|feedback.description",
        "{\"severity\":\"urgent\",\"issueType\":\"bug\",\"description\":\"d\"}|feedback.severity",
        "{\"severity\":1,\"issueType\":\"bug\",\"description\":\"d\"}|feedback.severity",
        "{\"verdict\":\"maybe\"}|feedback.verdict",
        "{\"verdict\":\"approved\",\"colour\":\"red\"}|feedback.colour",
        "{\"verdict\":\"approved\",\"criteriaNotMet\":[1]}|feedback.criteriaNotMet[0]",
        "{\"verdict\":\"approved\",\"criteriaNotMet\":{}}|feedback.criteriaNotMet",
        "{\"verdict\":\"approved\",\"iteration\":0}|feedback.iteration",
        "{\"verdict\":\"approved\",\"iteration\":1.5}|feedback.iteration",
        "{\"verdict\":\"approved\",\"sourceRef\":\"a\\nb\"}|feedback.sourceRef",
        "{\"verdict\":\"approved\",\"fingerprint\":\"a b\"}|feedback.fingerprint",
        "{\"verdict\":\"approved\",\"issueType\":\"bug\",\"issue_type\":\"bug\"}|feedback.issueType",
        "[]|feedback",
        "{|feedback",
        "''|feedback"
      })
  void namesTheFieldThatIsWrong(String json, String expectedField) {
    assertEquals(expectedField, field(json));
  }

  @Test
  void refusesOnlyStructuralViolations() {
    String big = "x".repeat(FeedbackInput.MAX_TEXT + 1);
    int length =
        FeedbackInput.parse(
                "{\"severity\":\"high\",\"issueType\":\"bug\",\"description\":\"" + big + "\"}")
            .description()
            .length();
    assertTrue(
        length <= FeedbackInput.MAX_TEXT && length > FeedbackInput.MAX_TEXT - 8, "" + length);
    assertEquals("feedback", field("{\"a\":" + "[".repeat(20) + "]".repeat(20) + "}"));
  }

  @Test
  void removesControlCharactersButKeepsNewlinesAndTabs() {
    FeedbackInput in =
        FeedbackInput.parse(
            "{\"severity\":\"high\",\"issueType\":\"bug\",\"description\":\"a\\u0000b\\u001b[31mc\\n\\td\"}");
    assertEquals("ab[31mc\n\td", in.description());
  }

  @Test
  void rejectsLoneSurrogates() {
    assertEquals(
        "feedback.description",
        field("{\"severity\":\"high\",\"issueType\":\"bug\",\"description\":\"a\\ud800b\"}"));
  }
}
