package dev.remediationstate.customrun;

import dev.remediationstate.serve.ActionReply;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes Events a finished action gives, from its results: {@code Initialized}, {@code
 * IterationStarted}, {@code LimitReached}, {@code FeedbackRecorded}, {@code Completed}, {@code
 * Stopped}. A gate that says {@code continue} changes nothing and gives none.
 */
final class Events {
  private Events() {}

  static List<RunDecision.Event> of(ActionReply.Done done) {
    Map<String, String> r = done.results().asMap();
    String task = "task " + done.taskId();
    switch (done.action()) {
      case "init":
        return "true".equals(r.get("created"))
            ? List.of(
                event(
                    "Initialized",
                    task + ": state created, at most " + r.get("max-iterations") + " iterations"))
            : List.of();
      case "next-iteration":
        if ("true".equals(r.get("limit-reached"))) {
          return List.of(
              event(
                  "LimitReached",
                  task + ": iteration limit " + r.get("max-iterations") + " reached"));
        }
        return List.of(
            event(
                "IterationStarted",
                task
                    + ": iteration "
                    + r.get("iteration")
                    + " of "
                    + r.get("max-iterations")
                    + " started"));
      case "record-feedback":
        return "true".equals(r.get("recorded"))
            ? List.of(
                event(
                    "FeedbackRecorded",
                    task
                        + ": "
                        + r.get("verdict")
                        + " recorded for iteration "
                        + r.get("iteration")))
            : List.of();
      case "gate":
        if ("complete".equals(r.get("decision"))) {
          return List.of(event("Completed", task + ": completed (" + r.get("reason") + ")"));
        }
        if ("stop".equals(r.get("decision"))) {
          return List.of(event("Stopped", task + ": stopped (" + r.get("reason") + ")"));
        }
        return List.of();
      default:
        return List.of();
    }
  }

  private static RunDecision.Event event(String reason, String message) {
    return new RunDecision.Event("Normal", reason, message);
  }
}
