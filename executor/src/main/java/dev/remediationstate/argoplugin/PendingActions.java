package dev.remediationstate.argoplugin;

import dev.remediationstate.serve.ActionReply;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Actions in flight, keyed by request id, so that a reply never waits longer than the agent does.
 *
 * <p>{@link #await} starts the action on the worker pool, or joins the run already in flight for
 * the same request id, and waits at most the reply budget. A run that finishes in time is handed to
 * the caller and forgotten. One that does not stays here and keeps running; the next call with the
 * same request id (the agent's requeue) joins it. A finished run nobody collects (the agent was
 * stopped) is dropped after {@code keepFinished}. A call after a run was forgotten starts it again:
 * the action's own request-id record then returns the recorded results, so nothing is applied
 * twice.
 */
final class PendingActions {
  /** What a call gets back. */
  sealed interface Progress {
    record Finished(ActionReply reply) implements Progress {}

    record StillRunning(Duration elapsed) implements Progress {}
  }

  private record Run(
      CompletableFuture<ActionReply> reply, long startedNanos, AtomicLong finishedNanos) {}

  private final Map<String, Run> runs = new ConcurrentHashMap<>();
  private final Executor workers;
  private final Duration budget;
  private final Duration keepFinished;
  private final LongSupplier nanos;

  PendingActions(Executor workers, Duration budget, Duration keepFinished, LongSupplier nanos) {
    this.workers = workers;
    this.budget = budget;
    this.keepFinished = keepFinished;
    this.nanos = nanos;
  }

  /**
   * Runs {@code action} for {@code requestId} (or joins its run) and waits at most the budget.
   * Throws {@link java.util.concurrent.RejectedExecutionException} when the pool is full.
   */
  Progress await(String requestId, Supplier<ActionReply> action) throws InterruptedException {
    dropUncollected();
    Run run =
        runs.computeIfAbsent(
            requestId,
            id -> {
              AtomicLong finished = new AtomicLong(Long.MAX_VALUE);
              CompletableFuture<ActionReply> reply =
                  CompletableFuture.supplyAsync(action, workers)
                      .whenComplete((r, e) -> finished.set(nanos.getAsLong()));
              return new Run(reply, nanos.getAsLong(), finished);
            });
    try {
      ActionReply reply = run.reply().get(budget.toNanos(), TimeUnit.NANOSECONDS);
      forget(requestId, run);
      return new Progress.Finished(reply);
    } catch (TimeoutException e) {
      return new Progress.StillRunning(Duration.ofNanos(nanos.getAsLong() - run.startedNanos()));
    } catch (ExecutionException e) {
      forget(requestId, run);
      // ActionService.run never throws; an Error or a rejected task is all that reaches here.
      throw new IllegalStateException("the action failed outside ActionService", e.getCause());
    }
  }

  /** Runs in flight or finished and not yet collected. */
  int size() {
    return runs.size();
  }

  private void forget(String requestId, Run run) {
    runs.remove(requestId, run);
  }

  private void dropUncollected() {
    long now = nanos.getAsLong();
    runs.forEach(
        (id, run) -> {
          long finished = run.finishedNanos().get();
          if (finished != Long.MAX_VALUE && now - finished > keepFinished.toNanos()) {
            forget(id, run);
          }
        });
  }
}
