package dev.remediationstate.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.failure.InvalidInputException;
import dev.remediationstate.feedback.FeedbackInput;
import dev.remediationstate.state.FeedbackEntry;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.Severity;
import dev.remediationstate.state.Verdict;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecordFeedbackActionTest {
  private static Outcome record(RemediationState state, String json) {
    return new RecordFeedbackAction(FeedbackInput.parse(json), "qa-bot")
        .apply(Optional.of(state), States.at(100));
  }

  @Test
  void appendsAFindingToTheCurrentIteration() {
    Outcome outcome =
        record(
            States.iterations(5, 2),
            "{\"severity\":\"critical\",\"issueType\":\"regression\",\"description\":\"login fails\","
                + "\"criteriaNotMet\":[\"users can log in\"],\"sourceRef\":\"review-7\"}");
    FeedbackEntry entry = outcome.next().orElseThrow().feedback().get(0);
    assertEquals("fb-0001", entry.id());
    assertEquals(2, entry.iteration());
    assertEquals(Severity.CRITICAL, entry.severity());
    assertEquals(List.of("users can log in"), entry.criteriaNotMet());
    assertEquals("qa-bot", entry.author());
    assertEquals(States.at(100), entry.receivedAt());
    assertEquals("true", outcome.results().get("recorded"));
    assertEquals("1", outcome.results().get("feedback-count"));
    assertEquals(16, outcome.results().get("fingerprint").length());
  }

  @Test
  void aSourceRefAlreadyStoredIsNotAppendedAgain() {
    String json = States.finding("flaky test").replace("}", ",\"sourceRef\":\"c-1\"}");
    RemediationState once = record(States.iterations(5, 1), json).next().orElseThrow();
    Outcome again = record(once, json);
    assertTrue(again.next().isEmpty());
    assertEquals("false", again.results().get("recorded"));
    assertEquals("fb-0001", again.results().get("feedback-id"));
  }

  @Test
  void withoutASourceRefTheSameContentIsStillRecordedOnce() {
    RemediationState once =
        record(States.iterations(5, 1), States.finding("flaky test")).next().orElseThrow();
    assertTrue(record(once, States.finding("flaky test")).next().isEmpty());
    assertTrue(record(once, States.finding("another problem")).next().isPresent());
  }

  @Test
  void theSameFindingInAnotherIterationHasTheSameFingerprint() {
    RemediationState first =
        record(States.iterations(5, 1), States.finding("NPE at line 12")).next().orElseThrow();
    RemediationState second =
        record(first.startIteration("r2", States.at(200)), States.finding("NPE at line 14"))
            .next()
            .orElseThrow();
    assertEquals(2, second.feedback().size());
    assertEquals(second.feedback().get(0).fingerprint(), second.feedback().get(1).fingerprint());
    assertNotEquals(second.feedback().get(0).sourceRef(), second.feedback().get(1).sourceRef());
  }

  @Test
  void anApprovalNeedsNoSeverityAndHasNoFingerprint() {
    Outcome outcome = record(States.iterations(5, 1), "{\"verdict\":\"approved\"}");
    FeedbackEntry entry = outcome.next().orElseThrow().feedback().get(0);
    assertEquals(Verdict.APPROVED, entry.verdict());
    assertNull(entry.fingerprint());
    assertEquals("", outcome.results().get("fingerprint"));
  }

  @Test
  void refusesFeedbackBeforeTheFirstIterationOrForAFutureOne() {
    assertThrows(
        InvalidInputException.class, () -> record(States.initialized(5), States.finding("x")));
    InvalidInputException future =
        assertThrows(
            InvalidInputException.class,
            () ->
                record(
                    States.iterations(5, 1),
                    States.finding("x").replace("}", ",\"iteration\":2}")));
    assertEquals("feedback.iteration", future.field());
  }

  @Test
  void mayRecordFeedbackForAnEarlierIteration() {
    Outcome outcome =
        record(
            States.iterations(5, 3),
            States.finding("late review").replace("}", ",\"iteration\":2}"));
    assertEquals(2, outcome.next().orElseThrow().feedback().get(0).iteration());
  }
}
