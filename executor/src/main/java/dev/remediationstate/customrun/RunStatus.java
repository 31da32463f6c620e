package dev.remediationstate.customrun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * Builds the {@code .status} of a CustomRun as Tekton reads it ({@code
 * pkg/apis/run/v1beta1/customrunstatus_types.go}): one {@code Succeeded} condition, {@code
 * startTime}, {@code completionTime} (the terminal condition's time), {@code results} (strings),
 * {@code retriesStatus} (one entry per failed attempt, without nesting) and {@code
 * observedGeneration}. Times are RFC 3339 in whole seconds, as {@code metav1.Time} writes them; a
 * condition's {@code lastTransitionTime} changes only when its status changes. Pure: every method
 * returns a new object.
 */
public final class RunStatus {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private RunStatus() {}

  public static String time(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** Still running ({@code Unknown}): started at {@code start}, no results yet. */
  public static ObjectNode running(
      ObjectNode current,
      long generation,
      Instant start,
      String reason,
      String message,
      Instant now) {
    ObjectNode next = base(current, generation);
    next.put("startTime", time(start));
    next.remove("completionTime");
    next.remove("results");
    next.set("conditions", condition(current, "Unknown", reason, message, now));
    return next;
  }

  /** Finished: {@code True} with results, or {@code False} with a reason and message. */
  public static ObjectNode finished(
      ObjectNode current,
      long generation,
      Instant start,
      boolean succeeded,
      String reason,
      String message,
      Map<String, String> results,
      Instant now) {
    ObjectNode next = base(current, generation);
    next.put("startTime", time(start.isAfter(now) ? now : start));
    next.put("completionTime", time(now));
    next.set("conditions", condition(current, succeeded ? "True" : "False", reason, message, now));
    if (results.isEmpty()) {
      next.remove("results");
    } else {
      ArrayNode list = next.putArray("results");
      results.forEach((name, value) -> list.addObject().put("name", name).put("value", value));
    }
    return next;
  }

  /**
   * A failed attempt when retries remain: the attempt's status (marked {@code False} with {@code
   * reason}, without its own {@code retriesStatus}) is appended to {@code retriesStatus}, and the
   * run goes on as {@code Unknown}/{@code Retrying} with a new {@code startTime}.
   */
  public static ObjectNode retrying(
      ObjectNode current,
      long generation,
      Instant attemptStart,
      String reason,
      String message,
      Instant now) {
    ObjectNode attempt =
        finished(current, generation, attemptStart, false, reason, message, Map.of(), now);
    attempt.remove("retriesStatus");
    ObjectNode next = running(current, generation, now, "Retrying", message, now);
    ArrayNode retries = next.putArray("retriesStatus");
    current.path("retriesStatus").forEach(retries::add);
    retries.add(attempt);
    return next;
  }

  private static ObjectNode base(ObjectNode current, long generation) {
    ObjectNode next = current.deepCopy();
    next.put("observedGeneration", generation);
    return next;
  }

  private static ArrayNode condition(
      ObjectNode current, String status, String reason, String message, Instant now) {
    String transition = time(now);
    for (JsonNode c : current.path("conditions")) {
      if ("Succeeded".equals(c.path("type").asText())
          && status.equals(c.path("status").asText())
          && c.path("lastTransitionTime").isTextual()) {
        transition = c.path("lastTransitionTime").asText();
      }
    }
    ArrayNode conditions = JSON.arrayNode();
    ObjectNode condition =
        conditions
            .addObject()
            .put("type", "Succeeded")
            .put("status", status)
            .put("reason", reason)
            .put("lastTransitionTime", transition);
    if (message != null && !message.isEmpty()) {
      condition.put("message", message);
    }
    return conditions;
  }
}
