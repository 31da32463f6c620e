package dev.remediationstate.serve;

import dev.remediationstate.action.ActionRunner;
import dev.remediationstate.cli.ActionParams;
import dev.remediationstate.failure.ApiRefusedException;
import dev.remediationstate.failure.ConflictExhaustedException;
import dev.remediationstate.failure.InvalidInputException;
import dev.remediationstate.failure.InvalidStateException;
import dev.remediationstate.failure.RemediationException;
import dev.remediationstate.results.Results;
import dev.remediationstate.store.RetryPolicy;
import dev.remediationstate.store.RetryingStateStore;
import dev.remediationstate.store.Sleeper;
import dev.remediationstate.store.Snapshots;
import dev.remediationstate.store.StateStore;
import dev.remediationstate.store.Transaction;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs one action for any long-running edge, exactly as the CLI does: the parameters are bound by
 * the CLI's commands ({@link ActionParams}), the action runs in the one transaction ({@link
 * ActionRunner}, {@link Transaction}) behind the one transient-retry layer ({@link
 * RetryingStateStore}), and the request id is recorded in the same write, so a replay returns the
 * recorded results. Failures come back as a typed {@link ActionReply.Failed}, mapped here and only
 * here. Thread-safe; one call per request.
 */
public final class ActionService {
  private static final Logger LOG = LoggerFactory.getLogger(ActionService.class);

  /** Opens the state store of one namespace. */
  @FunctionalInterface
  public interface Stores {
    StateStore in(String namespace);
  }

  /**
   * The state objects last read or written, so that a step that changes the state needs no GET when
   * nobody else wrote since (see {@link Transaction}); 8 MiB of {@code apiSize} at most.
   */
  public static final long SNAPSHOT_BYTES = 8L << 20;

  private final Stores stores;
  private final Snapshots snapshots;
  private final RetryPolicy conflicts;
  private final RetryPolicy transients;
  private final Sleeper sleeper;
  private final Clock clock;

  public ActionService(
      Stores stores, RetryPolicy conflicts, RetryPolicy transients, Sleeper sleeper, Clock clock) {
    this(stores, conflicts, transients, sleeper, clock, SNAPSHOT_BYTES);
  }

  /** With at most {@code snapshotBytes} of snapshots (0: every step reads). */
  public ActionService(
      Stores stores,
      RetryPolicy conflicts,
      RetryPolicy transients,
      Sleeper sleeper,
      Clock clock,
      long snapshotBytes) {
    this.snapshots = new Snapshots(snapshotBytes);
    this.stores = stores;
    this.conflicts = conflicts;
    this.transients = transients;
    this.sleeper = sleeper;
    this.clock = clock;
  }

  /**
   * Runs {@code action} with {@code params} on the state in {@code namespace}, keyed by {@code
   * requestId}. Never throws for an expected failure.
   */
  public ActionReply run(
      String namespace, String action, Map<String, String> params, String requestId) {
    try {
      MDC.put("action", String.valueOf(action));
      MDC.put("namespace", namespace);
      ActionParams.Bound bound = ActionParams.bind(action, params, requestId);
      MDC.put("taskId", bound.taskId().value());
      StateStore store =
          new RetryingStateStore(
              stores.in(namespace),
              transients,
              sleeper,
              System::nanoTime,
              () -> ThreadLocalRandom.current().nextDouble());
      Transaction transaction =
          new Transaction(
              store,
              conflicts,
              sleeper,
              System::nanoTime,
              () -> ThreadLocalRandom.current().nextDouble(),
              snapshots.in(namespace));
      Results results =
          new ActionRunner(transaction, clock).run(bound.taskId(), bound.action(), requestId);
      return new ActionReply.Done(action, bound.taskId().value(), results);
    } catch (RemediationException e) {
      return failed(e);
    } catch (RuntimeException e) {
      LOG.error("internal error: {}", e.toString(), e);
      return new ActionReply.Failed(
          ActionReply.Failure.INTERNAL, "executor", "internal error: " + e);
    } finally {
      MDC.remove("action");
      MDC.remove("namespace");
      MDC.remove("taskId");
      MDC.remove("iteration");
      MDC.remove("attempt");
      MDC.remove("resourceVersion");
    }
  }

  /** The one place an action's typed exception becomes a typed reply. */
  static ActionReply.Failed failed(RemediationException e) {
    String message = e.getMessage() == null ? "failed" : e.getMessage().replace('\n', ' ');
    if (e instanceof InvalidInputException invalid) {
      return new ActionReply.Failed(ActionReply.Failure.INVALID_INPUT, invalid.field(), message);
    }
    if (e instanceof InvalidStateException) {
      return new ActionReply.Failed(ActionReply.Failure.INVALID_STATE, "state", message);
    }
    if (e instanceof ConflictExhaustedException) {
      return new ActionReply.Failed(ActionReply.Failure.CONFLICT, "state", message);
    }
    if (e instanceof ApiRefusedException) {
      return new ActionReply.Failed(ActionReply.Failure.API_REFUSED, "api", message);
    }
    switch (e.exitCode()) {
      case OUTCOME_UNKNOWN:
        return new ActionReply.Failed(ActionReply.Failure.UNAVAILABLE, "api", message);
      case USAGE:
        return new ActionReply.Failed(ActionReply.Failure.INVALID_INPUT, "params", message);
      case STATE_INVALID:
        return new ActionReply.Failed(ActionReply.Failure.INVALID_STATE, "state", message);
      default:
        return new ActionReply.Failed(ActionReply.Failure.INTERNAL, "executor", message);
    }
  }
}
