package dev.remediationstate.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.failure.InvalidStateException;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.Status;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NextIterationActionTest {
  @Test
  void incrementsAndRecordsTheIterationWithItsTimeAndRequest() {
    Outcome outcome =
        new NextIterationAction("run-1").apply(Optional.of(States.initialized(3)), States.at(1));
    RemediationState next = outcome.next().orElseThrow();
    assertEquals(1, next.iteration());
    assertEquals(Status.IN_PROGRESS, next.status());
    assertEquals(States.at(1), next.iterations().get(0).startedAt());
    assertEquals("run-1", next.iterations().get(0).requestId());
    assertEquals("1", outcome.results().get("iteration"));
    assertEquals("true", outcome.results().get("started"));
    assertEquals("false", outcome.results().get("limit-reached"));
  }

  @Test
  void refusesAtTheLimitAndMarksTheStateExhausted() {
    RemediationState atLimit = States.iterations(2, 2);
    Outcome outcome = new NextIterationAction("run-3").apply(Optional.of(atLimit), States.at(99));
    RemediationState next = outcome.next().orElseThrow();
    assertEquals(2, next.iteration());
    assertEquals(Status.EXHAUSTED, next.status());
    assertEquals("true", outcome.results().get("limit-reached"));
    assertEquals("false", outcome.results().get("started"));
    assertEquals("2", outcome.results().get("iteration"));
    assertTrue(next.errors().get(0).message().contains("limit 2"));
  }

  @Test
  void anExhaustedStateIsNotRewrittenAgain() {
    RemediationState exhausted =
        new NextIterationAction("a")
            .apply(Optional.of(States.iterations(1, 1)), States.at(50))
            .next()
            .orElseThrow();
    Outcome again = new NextIterationAction("b").apply(Optional.of(exhausted), States.at(60));
    assertTrue(again.next().isEmpty());
    assertEquals("true", again.results().get("limit-reached"));
  }

  @Test
  void aRequestThatAlreadyStartedAnIterationGetsItBack() {
    RemediationState state = States.iterations(5, 3);
    Outcome outcome = new NextIterationAction("req-2").apply(Optional.of(state), States.at(99));
    assertTrue(outcome.next().isEmpty());
    assertEquals("2", outcome.results().get("iteration"));
    assertEquals("true", outcome.results().get("started"));
  }

  @Test
  void aCompletedLoopStartsNothing() {
    RemediationState done =
        States.iterations(5, 2).withStatus(Status.COMPLETED, "approved", States.at(30));
    Outcome outcome = new NextIterationAction("x").apply(Optional.of(done), States.at(40));
    assertTrue(outcome.next().isEmpty());
    assertEquals("false", outcome.results().get("started"));
    assertEquals("completed", outcome.results().get("status"));
  }

  @Test
  void needsAState() {
    assertThrows(
        InvalidStateException.class,
        () -> new NextIterationAction("x").apply(Optional.empty(), States.T0));
  }
}
