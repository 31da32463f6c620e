package dev.remediationstate.action;

import dev.remediationstate.results.Results;
import dev.remediationstate.state.AppliedRequest;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.ArchivePageConfigMap;
import dev.remediationstate.store.StateConfigMap;
import dev.remediationstate.store.StateObject;
import dev.remediationstate.store.Transaction;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs one action as one transaction on the task's ConfigMap, exactly once per request key.
 *
 * <p>Per attempt: decode and check the stored state (refusing invalid or newer-schema states before
 * the action sees them), replay the recorded results if this request key was already applied,
 * otherwise apply the action and, when it changes the state, record the request key with its
 * results in the same write. Archive pages the action cut are written before the state that refers
 * to them (see {@link Transaction}). A retried request (a step retry, or fabric8 re-sending a PUT
 * whose response was lost) therefore meets its own write and returns the same results.
 *
 * <p>The results are handed to a check before the write is sent (the size of the termination
 * message): results that could not be delivered never follow a committed change.
 */
public final class ActionRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ActionRunner.class);

  private final Transaction transaction;
  private final Clock clock;

  public ActionRunner(Transaction transaction, Clock clock) {
    this.transaction = transaction;
    this.clock = clock;
  }

  public Results run(TaskId taskId, Action action, String requestId) {
    return run(taskId, action, requestId, results -> {});
  }

  /**
   * As {@link #run(TaskId, Action, String)}, calling {@code beforeCommit} with the results before
   * the write is sent: a failure it throws (results over the limit) leaves the state unchanged.
   */
  public Results run(
      TaskId taskId, Action action, String requestId, Consumer<Results> beforeCommit) {
    return execute(taskId, action, requestId, beforeCommit).results();
  }

  /** The results of one run, and whether it committed a change (false for a replay or no-op). */
  public record Ran(Results results, boolean committed) {}

  /** As {@link #run(TaskId, Action, String, Consumer)}, also saying whether it committed. */
  public Ran execute(
      TaskId taskId, Action action, String requestId, Consumer<Results> beforeCommit) {
    String name = StateConfigMap.name(taskId);
    String key = action.name() + "/" + requestId + "/" + action.idempotencyScope();
    Transaction.Committed<Results> committed =
        transaction.run(
            name,
            current -> {
              Optional<RemediationState> state =
                  current.map(object -> StateConfigMap.decode(object, taskId));
              state.ifPresent(s -> StateConfigMap.requireWritable(s, name));
              Optional<AppliedRequest> applied = state.flatMap(s -> s.appliedRequest(key));
              if (applied.isPresent()) {
                LOG.info("request already applied; returning its recorded results");
                Results recorded = Results.of(applied.get().results());
                beforeCommit.accept(recorded);
                return Transaction.Change.none(recorded);
              }
              Outcome outcome = action.apply(state, clock.instant());
              beforeCommit.accept(outcome.results());
              if (outcome.next().isEmpty()) {
                return Transaction.Change.none(outcome.results());
              }
              RemediationState next =
                  outcome
                      .next()
                      .get()
                      .recordRequest(
                          new AppliedRequest(
                              key, action.name(), clock.instant(), outcome.results().asMap()));
              StateObject object = StateConfigMap.encode(next, current);
              String base = current.map(StateObject::resourceVersion).orElse(null);
              List<StateObject> pages =
                  outcome.archivePages().stream()
                      .map(page -> ArchivePageConfigMap.encode(taskId, page, base))
                      .toList();
              return Transaction.Change.write(object, pages, outcome.results());
            });
    committed
        .stored()
        .ifPresent(
            o -> MDC.put("iteration", o.data().getOrDefault(StateConfigMap.KEY_ITERATION, "")));
    LOG.info("{} done", action.name());
    return new Ran(committed.result(), committed.wrote());
  }
}
