package dev.remediationstate.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.failure.InvalidInputException;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.Status;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GateActionTest {
  private final GateAction gate = new GateAction(3);

  private Outcome decide(RemediationState state) {
    return gate.apply(Optional.of(state), States.at(1000));
  }

  private static void assertDecision(Outcome outcome, String decision, String reason) {
    assertEquals(decision, outcome.results().get("decision"), outcome.results().toString());
    assertEquals(reason, outcome.results().get("reason"), outcome.results().toString());
  }

  @Test
  void continuesBeforeTheFirstIteration() {
    Outcome outcome = decide(States.initialized(5));
    assertDecision(outcome, "continue", "not-started");
    assertTrue(outcome.next().isEmpty());
  }

  @Test
  void continuesWhenChangesAreRequested() {
    RemediationState state = States.withFeedback(States.iterations(5, 1), States.finding("bug a"));
    assertDecision(decide(state), "continue", "changes-requested");
  }

  @Test
  void continuesWithoutFeedbackForTheCurrentIteration() {
    RemediationState state = States.withFeedback(States.iterations(5, 1), States.finding("bug a"));
    assertDecision(decide(state.startIteration("r2", States.at(20))), "continue", "no-feedback");
  }

  @Test
  void completesWhenTheLatestReviewApproves() {
    RemediationState state =
        States.withFeedback(
            States.withFeedback(States.iterations(5, 1), States.finding("bug a")),
            "{\"verdict\":\"approved\"}");
    Outcome outcome = decide(state);
    assertDecision(outcome, "complete", "approved");
    assertEquals(Status.COMPLETED, outcome.next().orElseThrow().status());
    assertEquals("completed", outcome.results().get("status"));
  }

  @Test
  void anApprovalOfAnEarlierIterationDoesNotComplete() {
    RemediationState approvedFirst =
        States.withFeedback(States.iterations(5, 1), "{\"verdict\":\"approved\"}");
    RemediationState third =
        approvedFirst.startIteration("r2", States.at(20)).startIteration("r3", States.at(30));
    Outcome outcome = decide(third);
    assertDecision(outcome, "continue", "no-feedback");
    assertTrue(outcome.next().isEmpty(), "nothing written");
    RemediationState lateApproval =
        States.withFeedback(
            third, "{\"verdict\":\"approved\",\"iteration\":1,\"sourceRef\":\"late\"}");
    assertDecision(decide(lateApproval), "continue", "no-feedback");
  }

  @Test
  void aLateFindingOnAnEarlierIterationDoesNotHideTheCurrentApproval() {
    RemediationState state =
        States.withFeedback(
            States.withFeedback(
                States.iterations(5, 2), "{\"verdict\":\"approved\",\"iteration\":2}"),
            "{\"severity\":\"low\",\"issueType\":\"bug\",\"description\":\"late\","
                + "\"iteration\":1}");
    assertDecision(decide(state), "complete", "approved");
  }

  @Test
  void stopsAtTheLimitAndRecordsExhausted() {
    RemediationState state = States.withFeedback(States.iterations(2, 2), States.finding("bug a"));
    Outcome outcome = decide(state);
    assertDecision(outcome, "stop", "limit-reached");
    assertEquals(Status.EXHAUSTED, outcome.next().orElseThrow().status());
    assertEquals("true", outcome.results().get("limit-reached"));
  }

  @Test
  void approvalAtTheLastIterationStillCompletes() {
    RemediationState state =
        States.withFeedback(States.iterations(2, 2), "{\"verdict\":\"approved\"}");
    assertDecision(decide(state), "complete", "approved");
  }

  @Test
  void stopsWhenTheSameFindingComesBackInThreeConsecutiveReviews() {
    RemediationState state = States.iterations(10, 0);
    for (int i = 1; i <= 3; i++) {
      state = state.startIteration("r" + i, States.at(i * 10));
      state = States.withFeedback(state, States.finding("NPE in parser at line " + (10 + i)));
      state = States.withFeedback(state, States.finding("different problem " + "abc".repeat(i)));
    }
    Outcome outcome = decide(state);
    assertDecision(outcome, "stop", "no-progress");
    RemediationState stopped = outcome.next().orElseThrow();
    assertEquals(Status.STOPPED, stopped.status());
    assertTrue(stopped.errors().get(0).message().contains("3 consecutive reviews"));
  }

  @Test
  void aGapInTheRepeatsIsProgress() {
    RemediationState state = States.iterations(10, 0);
    String[] findings = {"NPE in parser", "slow query", "NPE in parser"};
    for (int i = 1; i <= 3; i++) {
      state = state.startIteration("r" + i, States.at(i * 10));
      state = States.withFeedback(state, States.finding(findings[i - 1]));
    }
    assertDecision(decide(state), "continue", "changes-requested");
  }

  @Test
  void theThresholdIsConfigurable() {
    RemediationState state = States.iterations(10, 0);
    for (int i = 1; i <= 2; i++) {
      state = state.startIteration("r" + i, States.at(i * 10));
      state = States.withFeedback(state, States.finding("NPE in parser"));
    }
    assertDecision(decide(state), "continue", "changes-requested");
    assertDecision(
        new GateAction(2).apply(Optional.of(state), States.at(99)), "stop", "no-progress");
    assertThrows(InvalidInputException.class, () -> new GateAction(1));
  }

  @Test
  void aTerminalStateRepeatsItsDecisionWithoutWriting() {
    RemediationState stopped =
        States.iterations(5, 2).withStatus(Status.STOPPED, "no-progress", States.at(5));
    Outcome outcome = decide(stopped);
    assertDecision(outcome, "stop", "no-progress");
    assertTrue(outcome.next().isEmpty());
  }
}
