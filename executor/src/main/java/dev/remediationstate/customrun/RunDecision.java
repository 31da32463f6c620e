package dev.remediationstate.customrun;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remediationstate.serve.ActionReply;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the controller does with one CustomRun, decided without I/O: the CustomRun contract in one
 * place. {@link #decide} looks at the object; when the action must run, the controller runs it and
 * asks {@link #afterAction} what to write. The controller then writes the status (through the
 * status subresource, with the resourceVersion it read) and requeues as told.
 *
 * <ul>
 *   <li>done ({@code Succeeded} is True or False): nothing, ever;
 *   <li>{@code spec.status: RunCancelled}: False/{@code CustomRunCancelled} with {@code
 *       spec.statusMessage}, without running the action;
 *   <li>the attempt ran longer than {@code spec.timeout} (counted from {@code status.startTime},
 *       which the controller sets when it starts an attempt, as Tekton's {@code HasTimedOut}): a
 *       retry if {@code len(retriesStatus) < spec.retries}, else False/{@code CustomRunTimedOut};
 *   <li>workspaces: False/{@code CustomRunWorkspaceNotSupported};
 *   <li>an invalid param: False/{@code InvalidParam<Name>} (retries cannot fix a param);
 *   <li>the action's results: True/{@code Succeeded} with the results; a {@code gate} with {@code
 *       wait-for-approval=true} whose decision is {@code continue} stays Unknown/{@code
 *       WaitingForApproval} and is polled until the decision changes or the timeout;
 *   <li>an invalid state, an API refusal or a bug: a retry when one remains, else False;
 *   <li>a conflict or an unavailable API: no write, requeued with backoff (bounded by the timeout).
 * </ul>
 */
public final class RunDecision {
  /** The param that chooses the action. */
  public static final String ACTION = "action";

  /** The gate param that makes it wait for an approval. */
  public static final String WAIT_FOR_APPROVAL = "wait-for-approval";

  /** One step of the controller. */
  public sealed interface Step {}

  /** Nothing to write; look again after {@code after} if present. */
  public record Nothing(Optional<Duration> after) implements Step {}

  /** Run the action with the CustomRun's UID as the request id. */
  public record Execute(String action, Map<String, String> params, Instant attemptStart)
      implements Step {}

  /** Write {@code status}; {@code finalReason} is set when it ends the run. */
  public record Write(
      ObjectNode status,
      Optional<Duration> requeueAfter,
      Optional<String> finalReason,
      List<Event> events)
      implements Step {}

  /** A transient failure: no write, requeue with the rate limiter's backoff. */
  public record Backoff(String why) implements Step {}

  /** An Event to record on the CustomRun after the write succeeded. */
  public record Event(String type, String reason, String message) {}

  private final Duration approvalPoll;

  public RunDecision(Duration approvalPoll) {
    this.approvalPoll = approvalPoll;
  }

  public Step decide(CustomRun run, Instant now) {
    if (run.done()) {
      return new Nothing(Optional.empty());
    }
    Instant attemptStart = run.startTime().orElse(now);
    if (run.cancelled()) {
      String message =
          run.statusMessage().isEmpty() ? "CustomRun was cancelled" : run.statusMessage();
      return fail(run, attemptStart, "CustomRunCancelled", message, now);
    }
    if (run.badTimeout() != null) {
      return fail(
          run,
          attemptStart,
          "InvalidParamTimeout",
          "spec.timeout '" + run.badTimeout() + "' is not a duration",
          now);
    }
    if (timedOut(run, attemptStart, now)) {
      String message =
          "CustomRun \""
              + run.name()
              + "\" failed to finish within \""
              + run.timeout().get()
              + "\"";
      return attemptFailed(run, attemptStart, "CustomRunTimedOut", message, now);
    }
    if (run.hasWorkspaces()) {
      return fail(
          run,
          attemptStart,
          "CustomRunWorkspaceNotSupported",
          "workspaces are not supported by " + run.refKind(),
          now);
    }
    if (run.badParam() != null) {
      return fail(
          run,
          attemptStart,
          reasonFor(run.badParam()),
          "param " + run.badParam() + " must be a string",
          now);
    }
    String action = run.params().get(ACTION);
    if (action == null || action.isEmpty()) {
      return fail(
          run,
          attemptStart,
          reasonFor(ACTION),
          "param action is required: init, next-iteration, record-feedback or gate",
          now);
    }
    Map<String, String> params = new LinkedHashMap<>(run.params());
    params.remove(ACTION);
    String wait = params.remove(WAIT_FOR_APPROVAL);
    if (wait != null && !(action.equals("gate") && (wait.equals("true") || wait.equals("false")))) {
      return fail(
          run,
          attemptStart,
          reasonFor(WAIT_FOR_APPROVAL),
          "param wait-for-approval must be true or false, and only for gate",
          now);
    }
    return new Execute(action, params, attemptStart);
  }

  public Step afterAction(CustomRun run, Execute execute, ActionReply reply, Instant now) {
    Instant attemptStart = execute.attemptStart();
    if (reply instanceof ActionReply.Done done) {
      Map<String, String> results = done.results().asMap();
      boolean waiting =
          "true".equals(run.params().get(WAIT_FOR_APPROVAL))
              && "continue".equals(results.get("decision"));
      if (waiting) {
        Optional<Duration> poll =
            Optional.of(
                untilTimeout(run, attemptStart, now)
                    .map(left -> min(left, approvalPoll))
                    .orElse(approvalPoll));
        String message =
            "waiting for an approval of task "
                + done.taskId()
                + " (gate: "
                + results.get("reason")
                + ")";
        ObjectNode status =
            RunStatus.running(
                run.status(), run.generation(), attemptStart, "WaitingForApproval", message, now);
        if (sameStatus(run.status(), status)) {
          return new Nothing(poll);
        }
        return new Write(
            status,
            poll,
            Optional.empty(),
            List.of(new Event("Normal", "WaitingForApproval", message)));
      }
      ObjectNode status =
          RunStatus.finished(
              run.status(),
              run.generation(),
              attemptStart,
              true,
              "Succeeded",
              done.action() + " succeeded",
              results,
              now);
      return new Write(status, Optional.empty(), Optional.of("Succeeded"), Events.of(done));
    }
    ActionReply.Failed failed = (ActionReply.Failed) reply;
    switch (failed.kind()) {
      case INVALID_INPUT:
        return fail(run, attemptStart, reasonFor(failed.field()), failed.message(), now);
      case CONFLICT:
      case UNAVAILABLE:
        return new Backoff(failed.message());
      case INVALID_STATE:
        return attemptFailed(run, attemptStart, "StateInvalid", failed.message(), now);
      case API_REFUSED:
        return attemptFailed(run, attemptStart, "ApiRefused", failed.message(), now);
      default:
        return attemptFailed(run, attemptStart, "InternalError", failed.message(), now);
    }
  }

  /** The time left in this attempt, empty without a timeout. */
  static Optional<Duration> untilTimeout(CustomRun run, Instant attemptStart, Instant now) {
    return run.timeout().map(t -> Duration.between(now, attemptStart.plus(t)));
  }

  /** When the controller must look again to notice a timeout, empty without one. */
  public static Optional<Duration> timeoutCheck(CustomRun run, Instant now) {
    Instant attemptStart = run.startTime().orElse(now);
    return untilTimeout(run, attemptStart, now).map(d -> d.isNegative() ? Duration.ZERO : d);
  }

  private static boolean timedOut(CustomRun run, Instant attemptStart, Instant now) {
    return untilTimeout(run, attemptStart, now)
        .map(left -> (left.isNegative() || left.isZero()))
        .orElse(false);
  }

  private Step attemptFailed(
      CustomRun run, Instant attemptStart, String reason, String message, Instant now) {
    if (run.failedAttempts() < run.retries()) {
      ObjectNode status =
          RunStatus.retrying(run.status(), run.generation(), attemptStart, reason, message, now);
      return new Write(
          status,
          Optional.of(Duration.ZERO),
          Optional.empty(),
          List.of(new Event("Warning", "Retrying", reason + ": " + message)));
    }
    return fail(run, attemptStart, reason, message, now);
  }

  private static Step fail(
      CustomRun run, Instant attemptStart, String reason, String message, Instant now) {
    ObjectNode status =
        RunStatus.finished(
            run.status(), run.generation(), attemptStart, false, reason, message, Map.of(), now);
    return new Write(
        status,
        Optional.empty(),
        Optional.of(reason),
        List.of(new Event("Warning", reason, message)));
  }

  /**
   * {@code InvalidParam} and the param in CamelCase: {@code max-iterations} → {@code
   * InvalidParamMaxIterations}.
   */
  static String reasonFor(String field) {
    String param = field.contains(".") ? field.substring(0, field.indexOf('.')) : field;
    StringBuilder reason = new StringBuilder("InvalidParam");
    boolean upper = true;
    for (char c : param.toCharArray()) {
      if (Character.isLetterOrDigit(c) && c < 128) {
        reason.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      } else {
        upper = true;
      }
    }
    return reason.toString();
  }

  private static boolean sameStatus(ObjectNode a, ObjectNode b) {
    return a.equals(b);
  }

  private static Duration min(Duration a, Duration b) {
    Duration m = a.compareTo(b) <= 0 ? a : b;
    return m.isNegative() ? Duration.ZERO : m;
  }
}
