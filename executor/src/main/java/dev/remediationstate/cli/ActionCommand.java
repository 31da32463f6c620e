package dev.remediationstate.cli;

import dev.remediationstate.action.Action;
import dev.remediationstate.action.ActionRunner;
import dev.remediationstate.failure.ResultsNotWrittenException;
import dev.remediationstate.results.ResultFiles;
import dev.remediationstate.results.ResultSink;
import dev.remediationstate.results.Results;
import dev.remediationstate.results.StdoutJson;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.RetryPolicy;
import dev.remediationstate.store.StateStore;
import dev.remediationstate.store.Transaction;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.MDC;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The shape of every mutating command: validate all input and check that the results directory can
 * take files, run the action as one transaction (the results are size-checked before the write is
 * sent), then write the results to the results directory and stdout. A result file that cannot be
 * written after the commit is exit 8: a re-run with the same request id writes the same results.
 * Subclasses only build the action.
 */
abstract class ActionCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  private final Wiring wiring;

  ActionCommand(Wiring wiring) {
    this.wiring = wiring;
  }

  /** Builds the action from the options, validating every input. Must not do I/O on the API. */
  abstract Action action(TaskId taskId, Wiring wiring);

  @Override
  public Integer call() throws Exception {
    common.applyVerbosity();
    TaskId taskId = new TaskId(common.taskId);
    MDC.put("taskId", taskId.value());
    Action action = action(taskId, wiring);
    MDC.put("action", action.name());
    String requestId = common.requestId(wiring);
    Optional<ResultFiles> files = common.resultFiles(wiring);
    files.ifPresent(ResultFiles::probe);
    RetryPolicy conflicts = common.conflictPolicy();
    StateStore store = common.store(wiring);
    Transaction transaction =
        new Transaction(
            store,
            conflicts,
            wiring.sleeper(),
            System::nanoTime,
            () -> ThreadLocalRandom.current().nextDouble());
    ActionRunner.Ran ran =
        new ActionRunner(transaction, wiring.clock())
            .execute(taskId, action, requestId, r -> files.ifPresent(f -> f.check(r)));
    Results results = ran.results();
    if (files.isPresent()) {
      writeAfterCommit(
          files.get(),
          results,
          ran.committed()
              ? "the change was committed: re-run with --request-id "
                  + requestId
                  + " to write the same results"
              : "nothing was changed: re-run with --request-id " + requestId);
    }
    new StdoutJson(out()).write(results);
    return 0;
  }

  /**
   * Writes the result files of a committed change; a failure now is exit 8, and the message says
   * how to get the results ({@code rerun}: for an action, the request id to re-run with).
   */
  static void writeAfterCommit(ResultSink files, Results results, String rerun) {
    try {
      files.write(results);
    } catch (IOException | UncheckedIOException | SecurityException e) {
      throw new ResultsNotWrittenException(
          "results-dir: the result files could not be written ("
              + e.getClass().getSimpleName()
              + "); "
              + rerun,
          e);
    }
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }
}
