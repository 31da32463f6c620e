package dev.remediationstate.customrun;

import static dev.remediationstate.customrun.Runs.CREATED;
import static dev.remediationstate.customrun.Runs.condition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remediationstate.results.Results;
import dev.remediationstate.serve.ActionReply;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunDecisionTest {
  private final RunDecision decision = new RunDecision(Duration.ofSeconds(5));
  private final Instant now = CREATED.plusSeconds(10);

  private static CustomRun of(ObjectNode json) {
    return CustomRun.of(json);
  }

  private RunDecision.Write write(RunDecision.Step step) {
    return assertInstanceOf(RunDecision.Write.class, step);
  }

  @Test
  void aDoneRunIsLeftAlone() {
    ObjectNode done =
        RunStatus.finished(
            Runs.run("a", Map.of()).putObject("status"),
            1,
            CREATED,
            true,
            "Succeeded",
            "",
            Map.of(),
            now);
    RunDecision.Step step =
        decision.decide(of(Runs.withStatus(Runs.run("a", Map.of("action", "gate")), done)), now);
    assertEquals(new RunDecision.Nothing(Optional.empty()), step);
  }

  @Test
  void aNewRunExecutesItsActionWithTheOtherParams() {
    RunDecision.Step step =
        decision.decide(of(Runs.run("a", Map.of("action", "init", "task-id", "t1"))), now);
    RunDecision.Execute execute = assertInstanceOf(RunDecision.Execute.class, step);
    assertEquals("init", execute.action());
    assertEquals(Map.of("task-id", "t1"), execute.params());
    assertEquals(now, execute.attemptStart());
  }

  @Test
  void cancelMarksFalseWithTheReservedReasonAndMessage() {
    ObjectNode run =
        Runs.cancelled(
            Runs.run("a", Map.of("action", "gate")),
            "CustomRun cancelled as the PipelineRun it belongs to has been cancelled.");
    RunDecision.Write w = write(decision.decide(of(run), now));
    assertEquals("False", condition(w.status(), "status"));
    assertEquals("CustomRunCancelled", condition(w.status(), "reason"));
    assertTrue(condition(w.status(), "message").contains("has been cancelled"));
    assertEquals(RunStatus.time(now), w.status().path("completionTime").asText());
    assertEquals(Optional.of("CustomRunCancelled"), w.finalReason());
  }

  private static ObjectNode startedAt(ObjectNode run, Instant start) {
    return Runs.withStatus(
        run, RunStatus.running(run.putObject("status"), 1, start, "WaitingForApproval", "", start));
  }

  @Test
  void anExpiredAttemptWithoutRetriesTimesOut() {
    ObjectNode run =
        startedAt(Runs.withTimeout(Runs.run("a", Map.of("action", "gate")), "5s"), CREATED);
    RunDecision.Write w = write(decision.decide(of(run), now));
    assertEquals("False", condition(w.status(), "status"));
    assertEquals("CustomRunTimedOut", condition(w.status(), "reason"));
    assertEquals(RunStatus.time(CREATED), w.status().path("startTime").asText());
  }

  @Test
  void aZeroTimeoutNeverExpires() {
    ObjectNode run = Runs.withTimeout(Runs.run("a", Map.of("action", "gate")), "0s");
    assertInstanceOf(RunDecision.Execute.class, decision.decide(of(run), now.plusSeconds(86_400)));
  }

  @Test
  void anExpiredAttemptWithRetriesLeftRetriesAndKeepsTheAttempt() {
    ObjectNode run =
        startedAt(
            Runs.withRetries(Runs.withTimeout(Runs.run("a", Map.of("action", "gate")), "5s"), 1),
            CREATED);
    RunDecision.Write w = write(decision.decide(of(run), now));
    assertEquals("Unknown", condition(w.status(), "status"));
    assertEquals("Retrying", condition(w.status(), "reason"));
    assertEquals(RunStatus.time(now), w.status().path("startTime").asText());
    assertEquals(1, w.status().path("retriesStatus").size());
    ObjectNode attempt = (ObjectNode) w.status().path("retriesStatus").get(0);
    assertEquals("CustomRunTimedOut", condition(attempt, "reason"));
    assertFalse(attempt.has("retriesStatus"), "no nesting");
    assertTrue(w.finalReason().isEmpty());

    CustomRun second = of(Runs.withStatus(run, w.status()));
    RunDecision.Write last = write(decision.decide(second, now.plusSeconds(6)));
    assertEquals("CustomRunTimedOut", condition(last.status(), "reason"));
    assertEquals("False", condition(last.status(), "status"));
    assertEquals(1, last.status().path("retriesStatus").size());
  }

  @Test
  void invalidParamsFailWithAReasonNamingTheParam() {
    assertEquals(
        "InvalidParamAction",
        condition(
            write(decision.decide(of(Runs.run("a", Map.of("task-id", "t"))), now)).status(),
            "reason"));
    ObjectNode arrayParam = Runs.run("a", Map.of("action", "gate"));
    ((ObjectNode) arrayParam.get("spec"))
        .withArray("params")
        .addObject()
        .put("name", "task-id")
        .putArray("value")
        .add("x");
    assertEquals(
        "InvalidParamTaskId",
        condition(write(decision.decide(of(arrayParam), now)).status(), "reason"));
    assertEquals(
        "InvalidParamTimeout",
        condition(
            write(
                    decision.decide(
                        of(Runs.withTimeout(Runs.run("a", Map.of("action", "gate")), "soon")), now))
                .status(),
            "reason"));
    assertEquals(
        "InvalidParamWaitForApproval",
        condition(
            write(
                    decision.decide(
                        of(Runs.run("a", Map.of("action", "init", "wait-for-approval", "true"))),
                        now))
                .status(),
            "reason"));
  }

  @Test
  void anInvalidParamIsNotRetried() {
    CustomRun run =
        of(Runs.withRetries(Runs.run("a", Map.of("action", "init", "task-id", "t")), 3));
    RunDecision.Execute execute = (RunDecision.Execute) decision.decide(run, now);
    ActionReply reply =
        new ActionReply.Failed(
            ActionReply.Failure.INVALID_INPUT,
            "max-iterations",
            "max-iterations: 0 is outside 1..100");
    RunDecision.Write w = write(decision.afterAction(run, execute, reply, now));
    assertEquals("False", condition(w.status(), "status"));
    assertEquals("InvalidParamMaxIterations", condition(w.status(), "reason"));
    assertEquals("max-iterations: 0 is outside 1..100", condition(w.status(), "message"));
  }

  @Test
  void resultsGoToStatusResultsWithSucceeded() {
    CustomRun run = of(Runs.run("a", Map.of("action", "next-iteration", "task-id", "t")));
    RunDecision.Execute execute = (RunDecision.Execute) decision.decide(run, now);
    Results results = Results.empty().with("iteration", 1).with("limit-reached", false);
    RunDecision.Write w =
        write(
            decision.afterAction(
                run,
                execute,
                new ActionReply.Done("next-iteration", "t", results),
                now.plusSeconds(1)));
    assertEquals("True", condition(w.status(), "status"));
    assertEquals("Succeeded", condition(w.status(), "reason"));
    assertEquals("iteration", w.status().path("results").get(0).path("name").asText());
    assertEquals("1", w.status().path("results").get(0).path("value").asText());
    assertEquals("false", w.status().path("results").get(1).path("value").asText());
    assertEquals(RunStatus.time(now), w.status().path("startTime").asText());
    assertEquals(RunStatus.time(now.plusSeconds(1)), w.status().path("completionTime").asText());
    assertEquals(
        w.status().path("completionTime").asText(), condition(w.status(), "lastTransitionTime"));
    assertEquals(1, w.status().path("observedGeneration").asInt());
    assertEquals("IterationStarted", w.events().get(0).reason());
  }

  @Test
  void aWaitingGateStaysUnknownAndPollsWithinTheTimeout() {
    ObjectNode json =
        Runs.withTimeout(
            Runs.run("g", Map.of("action", "gate", "task-id", "t", "wait-for-approval", "true")),
            "7s");
    CustomRun run = of(json);
    RunDecision.Execute execute = (RunDecision.Execute) decision.decide(run, now);
    assertFalse(execute.params().containsKey("wait-for-approval"));
    ActionReply cont =
        new ActionReply.Done(
            "gate",
            "t",
            Results.empty().with("decision", "continue").with("reason", "no-feedback"));
    RunDecision.Write w = write(decision.afterAction(run, execute, cont, now));
    assertEquals("Unknown", condition(w.status(), "status"));
    assertEquals("WaitingForApproval", condition(w.status(), "reason"));
    assertEquals(Optional.of(Duration.ofSeconds(5)), w.requeueAfter(), "the poll period");
    assertFalse(w.status().has("results"));

    CustomRun waiting = of(Runs.withStatus(json, w.status()));
    RunDecision.Execute again = (RunDecision.Execute) decision.decide(waiting, now.plusSeconds(4));
    assertEquals(now, again.attemptStart(), "the attempt started when the wait began");
    assertEquals(
        new RunDecision.Nothing(Optional.of(Duration.ofSeconds(3))),
        decision.afterAction(waiting, again, cont, now.plusSeconds(4)),
        "an unchanged wait writes nothing and looks again when the timeout is due");

    ActionReply approved =
        new ActionReply.Done(
            "gate", "t", Results.empty().with("decision", "complete").with("reason", "approved"));
    RunDecision.Write done =
        write(decision.afterAction(waiting, again, approved, now.plusSeconds(2)));
    assertEquals("True", condition(done.status(), "status"));
    assertEquals("Completed", done.events().get(0).reason());
  }

  @Test
  void aWaitingGatePastItsTimeoutTimesOut() {
    ObjectNode json =
        Runs.withTimeout(
            Runs.run("g", Map.of("action", "gate", "task-id", "t", "wait-for-approval", "true")),
            "30s");
    json.set(
        "status",
        RunStatus.running(json.putObject("status"), 1, now, "WaitingForApproval", "waiting", now));
    RunDecision.Write w = write(decision.decide(of(json), now.plusSeconds(30)));
    assertEquals("CustomRunTimedOut", condition(w.status(), "reason"));
  }

  @Test
  void conflictsAndAnUnavailableApiBackOffWithoutAWrite() {
    CustomRun run = of(Runs.run("a", Map.of("action", "gate", "task-id", "t")));
    RunDecision.Execute execute = (RunDecision.Execute) decision.decide(run, now);
    for (ActionReply.Failure kind :
        new ActionReply.Failure[] {ActionReply.Failure.CONFLICT, ActionReply.Failure.UNAVAILABLE}) {
      assertInstanceOf(
          RunDecision.Backoff.class,
          decision.afterAction(run, execute, new ActionReply.Failed(kind, "state", "busy"), now));
    }
  }

  @Test
  void anInvalidStateUsesARetryThenFails() {
    ObjectNode json = Runs.withRetries(Runs.run("a", Map.of("action", "gate", "task-id", "t")), 1);
    ActionReply missing =
        new ActionReply.Failed(
            ActionReply.Failure.INVALID_STATE,
            "state",
            "configmap/task-t-state not found; run init");
    CustomRun run = of(json);
    RunDecision.Write first =
        write(
            decision.afterAction(
                run, (RunDecision.Execute) decision.decide(run, now), missing, now));
    assertEquals("Retrying", condition(first.status(), "reason"));
    assertEquals(
        "StateInvalid",
        condition((ObjectNode) first.status().path("retriesStatus").get(0), "reason"));
    CustomRun again = of(Runs.withStatus(json, first.status()));
    RunDecision.Write last =
        write(
            decision.afterAction(
                again, (RunDecision.Execute) decision.decide(again, now), missing, now));
    assertEquals("False", condition(last.status(), "status"));
    assertEquals("StateInvalid", condition(last.status(), "reason"));
  }

  @Test
  void workspacesAreNotSupported() {
    ObjectNode json = Runs.run("a", Map.of("action", "gate", "task-id", "t"));
    ((ObjectNode) json.get("spec")).putArray("workspaces").addObject().put("name", "src");
    assertEquals(
        "CustomRunWorkspaceNotSupported",
        condition(write(decision.decide(of(json), now)).status(), "reason"));
  }

  @Test
  void timesReadAsObjectsAreWrittenBackAsStrings() {
    ObjectNode json = Runs.run("a", Map.of("action", "gate"));
    json.putObject("status")
        .putArray("retriesStatus")
        .addObject()
        .putArray("conditions")
        .addObject()
        .put("type", "Succeeded")
        .putObject("lastTransitionTime")
        .put("Time", "2026-01-01T10:00:00Z");
    com.fasterxml.jackson.databind.JsonNode time =
        of(json)
            .status()
            .path("retriesStatus")
            .get(0)
            .path("conditions")
            .get(0)
            .path("lastTransitionTime");
    assertTrue(time.isTextual(), time.toString());
    assertEquals("2026-01-01T10:00:00Z", time.asText());
  }

  @Test
  void reasonsNameTheParamInCamelCase() {
    assertEquals("InvalidParamMaxIterations", RunDecision.reasonFor("max-iterations"));
    assertEquals("InvalidParamFeedback", RunDecision.reasonFor("feedback.iteration"));
    assertEquals("InvalidParamTaskId", RunDecision.reasonFor("task-id"));
  }
}
