package dev.remediationstate.cli;

import dev.remediationstate.action.Action;
import dev.remediationstate.action.ActionRunner;
import dev.remediationstate.results.ResultFiles;
import dev.remediationstate.results.Results;
import dev.remediationstate.results.StdoutJson;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.RetryPolicy;
import dev.remediationstate.store.StateStore;
import dev.remediationstate.store.Transaction;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.MDC;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The shape of every mutating command: validate all input, run the action as one transaction, then
 * write the results to the results directory and stdout. Subclasses only build the action.
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
    String requestId = common.requestId();
    Optional<ResultFiles> files = common.resultFiles(wiring);
    RetryPolicy conflicts = common.conflictPolicy();
    StateStore store = common.store(wiring);
    Transaction transaction =
        new Transaction(
            store,
            conflicts,
            wiring.sleeper(),
            System::nanoTime,
            () -> ThreadLocalRandom.current().nextDouble());
    Results results = new ActionRunner(transaction, wiring.clock()).run(taskId, action, requestId);
    if (files.isPresent()) {
      files.get().write(results);
    }
    new StdoutJson(out()).write(results);
    return 0;
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }
}
