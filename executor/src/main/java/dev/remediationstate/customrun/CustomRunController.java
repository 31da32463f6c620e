package dev.remediationstate.customrun;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remediationstate.cli.ActionParams;
import dev.remediationstate.serve.ActionReply;
import dev.remediationstate.serve.ActionService;
import dev.remediationstate.serve.EventSink;
import dev.remediationstate.serve.ServeComponent;
import dev.remediationstate.serve.ServeMetrics;
import dev.remediationstate.serve.Threads;
import dev.remediationstate.workqueue.ItemBackoff;
import dev.remediationstate.workqueue.WorkQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The Tekton Custom Task controller: informers feed a de-duplicating, rate-limited {@link
 * WorkQueue}; a bounded pool of workers reconciles one CustomRun key at a time.
 *
 * <p>A reconcile reads the cached CustomRun, asks {@link RunDecision} what to do, runs the action
 * through {@link ActionService} with the CustomRun's UID as the request id (so a re-reconcile, a
 * duplicate event or a restart replays the recorded results instead of applying the action again),
 * writes the status with the resourceVersion it read, and records the Events. The action is
 * recorded in the state before the status says done, so a crash between the two replays harmlessly.
 * A 409 on the status write, a conflict or an unavailable API requeue the key with per-key
 * exponential backoff.
 *
 * <p>Informers start with the component (standbys keep a warm cache and are ready); workers start
 * only in {@link #lead}, on the leader.
 */
public final class CustomRunController implements ServeComponent {
  private static final Logger LOG = LoggerFactory.getLogger(CustomRunController.class);
  public static final String NAME = "customrun";

  /** What one reconcile asks of the queue. */
  public record Result(Optional<Duration> requeueAfter, boolean backoff) {
    static final Result DONE = new Result(Optional.empty(), false);
    static final Result BACKOFF = new Result(Optional.empty(), true);

    static Result after(Optional<Duration> delay) {
      return new Result(delay, false);
    }
  }

  private final String apiVersion;
  private final String kind;
  private final RunSource source;
  private final StatusWriter statuses;
  private final ActionService actions;
  private final EventSink events;
  private final ServeMetrics metrics;
  private final RunDecision decision;
  private final Clock clock;
  private final int workers;
  private final WorkQueue<String> queue = new WorkQueue<>(System::nanoTime);
  private final ItemBackoff<String> backoff =
      new ItemBackoff<>(Duration.ofMillis(5), Duration.ofSeconds(30));
  private ExecutorService pool;
  private volatile boolean running;

  public CustomRunController(
      String apiVersion,
      String kind,
      RunSource source,
      StatusWriter statuses,
      ActionService actions,
      EventSink events,
      ServeMetrics metrics,
      RunDecision decision,
      Clock clock,
      int workers) {
    this.apiVersion = apiVersion;
    this.kind = kind;
    this.source = source;
    this.statuses = statuses;
    this.actions = actions;
    this.events = events;
    this.metrics = metrics;
    this.decision = decision;
    this.clock = clock;
    this.workers = workers;
  }

  @Override
  public String name() {
    return "customrun-controller";
  }

  @Override
  public void start() {
    metrics.maxConcurrentReconciles.labelValues(NAME).set(workers);
    source.start(this::enqueue);
  }

  /** Starts the workers (this replica is the leader) and queues every cached CustomRun. */
  public synchronized void lead() {
    if (running) {
      return;
    }
    running = true;
    pool = Executors.newFixedThreadPool(workers, Threads.named("reconcile"));
    for (int i = 0; i < workers; i++) {
      pool.execute(this::work);
    }
    source.keys().forEach(this::enqueue);
    LOG.info("reconciling CustomRuns of {} {} with {} workers", apiVersion, kind, workers);
  }

  @Override
  public boolean ready() {
    return source.synced();
  }

  @Override
  public synchronized void stop() {
    running = false;
    queue.shutDown();
    source.stop();
    if (pool != null) {
      pool.shutdownNow();
      try {
        pool.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void enqueue(String key) {
    metrics.queueAdds.labelValues(NAME).inc();
    queue.add(key);
    metrics.queueDepth.labelValues(NAME).set(queue.depth());
  }

  private void work() {
    while (running) {
      Optional<WorkQueue.Item<String>> item;
      try {
        item = queue.take(Duration.ofSeconds(1));
      } catch (InterruptedException e) {
        return;
      }
      if (item.isEmpty()) {
        continue;
      }
      String key = item.get().key();
      metrics.queueDepth.labelValues(NAME).set(queue.depth());
      metrics.queueDuration.labelValues(NAME).observe(item.get().queued().toNanos() / 1e9);
      metrics.activeWorkers.labelValues(NAME).inc();
      long start = System.nanoTime();
      Result result;
      try {
        result = reconcile(key);
      } catch (RuntimeException e) {
        LOG.error("reconcile of {} failed: {}", key, e.toString(), e);
        metrics.reconcileErrors.labelValues(NAME).inc();
        metrics.reconcileTotal.labelValues(NAME, "error").inc();
        result = Result.BACKOFF;
      } finally {
        double seconds = (System.nanoTime() - start) / 1e9;
        metrics.reconcileTime.labelValues(NAME).observe(seconds);
        metrics.workDuration.labelValues(NAME).observe(seconds);
        metrics.activeWorkers.labelValues(NAME).dec();
        MDC.clear();
      }
      schedule(key, result);
      queue.done(key);
    }
  }

  private void schedule(String key, Result result) {
    if (result.backoff()) {
      metrics.queueRetries.labelValues(NAME).inc();
      queue.addAfter(key, backoff.next(key));
      return;
    }
    backoff.forget(key);
    if (result.requeueAfter().isPresent()) {
      metrics.reconcileTotal.labelValues(NAME, "requeue_after").inc();
      queue.addAfter(key, result.requeueAfter().get());
    } else {
      metrics.reconcileTotal.labelValues(NAME, "success").inc();
    }
  }

  /** One reconcile of {@code key}; public for tests, which call it without workers. */
  public Result reconcile(String key) {
    MDC.put("customRun", key);
    Optional<JsonNode> json = source.get(key);
    if (json.isEmpty()) {
      return Result.DONE;
    }
    CustomRun run = CustomRun.of(json.get());
    if (!run.isFor(apiVersion, kind)) {
      return Result.DONE;
    }
    RunDecision.Step step = decision.decide(run, clock.instant());
    ActionReply reply = null;
    String action = null;
    if (step instanceof RunDecision.Execute execute) {
      action = execute.action();
      reply = actions.run(run.namespace(), action, execute.params(), run.uid());
      MDC.put("customRun", key);
      if (reply instanceof ActionReply.Failed) {
        count(action, reply);
      }
      step = decision.afterAction(run, execute, reply, clock.instant());
    }
    if (step instanceof RunDecision.Nothing nothing) {
      return Result.after(nothing.after());
    }
    if (step instanceof RunDecision.Backoff why) {
      LOG.info("{}: will retry: {}", key, why.why());
      return Result.BACKOFF;
    }
    RunDecision.Write write = (RunDecision.Write) step;
    StatusWriter.Written written = statuses.write(json.get(), write.status());
    if (written == StatusWriter.Written.CONFLICT) {
      metrics.statusConflicts.inc();
      return Result.BACKOFF;
    }
    if (written == StatusWriter.Written.GONE) {
      return Result.DONE;
    }
    EventSink.Regarding regarding =
        new EventSink.Regarding(
            apiVersion(json.get()), "CustomRun", run.namespace(), run.name(), run.uid());
    write.events().forEach(e -> events.record(regarding, e.type(), e.reason(), e.message()));
    if (write.finalReason().isPresent()) {
      metrics.customRuns.labelValues(write.finalReason().get()).inc();
      LOG.info("{} finished: {}", key, write.finalReason().get());
      if (reply instanceof ActionReply.Done) {
        count(action, reply);
      }
    }
    return Result.after(write.requeueAfter());
  }

  private static String apiVersion(JsonNode json) {
    return json.path("apiVersion").asText("tekton.dev/v1beta1");
  }

  private void count(String action, ActionReply reply) {
    if (reply instanceof ActionReply.Done done) {
      metrics.actions.labelValues(action, "ok").inc();
      var r = done.results().asMap();
      if (action.equals("next-iteration")) {
        boolean limit = "true".equals(r.get("limit-reached"));
        metrics.iterations.labelValues(limit ? "limit-reached" : "started").inc();
        if (limit) {
          metrics.limitReached.inc();
        }
      } else if (action.equals("gate") && r.get("decision") != null) {
        metrics.gateDecisions.labelValues(r.get("decision")).inc();
      }
    } else {
      ActionReply.Failed failed = (ActionReply.Failed) reply;
      metrics
          .actions
          .labelValues(
              ActionParams.ALLOWED.containsKey(action) ? action : "unknown",
              failed.kind().name().toLowerCase(java.util.Locale.ROOT))
          .inc();
    }
  }
}
