package dev.remediationstate.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remediationstate.failure.InvalidStateException;
import dev.remediationstate.recovery.Diagnosis;
import dev.remediationstate.recovery.Recovery;
import dev.remediationstate.recovery.StateCheck;
import dev.remediationstate.results.ResultFiles;
import dev.remediationstate.results.Results;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.StateConfigMap;
import dev.remediationstate.store.StateObject;
import dev.remediationstate.store.StateStore;
import dev.remediationstate.store.Transaction;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.MDC;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Validates the stored state and, with {@code --repair}, repairs it in one conditional write
 * ({@link Recovery}). Prints a JSON report on stdout; exits 0 when the state is healthy or was
 * repaired, 3 when problems remain.
 */
@Command(
    name = "recover",
    description =
        "Check the task's state (JSON, schema, iteration, status, feedback, timestamps, labels);"
            + " --repair fixes it, keeping the damaged original.",
    mixinStandardHelpOptions = true)
final class RecoverCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Option(
      names = "--repair",
      defaultValue = "${env:RS_REPAIR:-false}",
      description = "Repair what was found (one atomic write). Env: RS_REPAIR.")
  boolean repair;

  private final Wiring wiring;

  RecoverCommand(Wiring wiring) {
    this.wiring = wiring;
  }

  /** What one run found and did, and its results. */
  record Outcome(Diagnosis diagnosis, Optional<Recovery.Plan> plan, Results results) {}

  /**
   * The recover transaction: read, diagnose every key, and with {@code repair} write the repaired
   * object in one conditional write. {@code beforeCommit} sees the results before the write.
   */
  static Outcome run(
      Transaction transaction,
      TaskId taskId,
      boolean repair,
      java.time.Clock clock,
      java.util.function.Function<String, Optional<StateObject>> pages,
      java.util.function.Consumer<Results> beforeCommit) {
    String name = StateConfigMap.name(taskId);
    return transaction
        .run(
            name,
            current -> {
              StateObject object =
                  current.orElseThrow(
                      () ->
                          new InvalidStateException(
                              "configmap/" + name + " not found: nothing to recover; run init"));
              Diagnosis diagnosis = StateCheck.diagnose(object, taskId, pages);
              boolean repairable =
                  diagnosis.problems().stream().anyMatch(p -> !p.check().equals("archive"));
              if (diagnosis.healthy() || !repair || !repairable) {
                Results results = results(diagnosis, Optional.empty());
                beforeCommit.accept(results);
                return Transaction.Change.none(new Outcome(diagnosis, Optional.empty(), results));
              }
              Recovery.Plan plan = Recovery.plan(object, taskId, diagnosis, clock.instant());
              Results results = results(diagnosis, Optional.of(plan));
              beforeCommit.accept(results);
              return Transaction.Change.write(
                  plan.object(), new Outcome(diagnosis, Optional.of(plan), results));
            })
        .result();
  }

  @Override
  public Integer call() throws Exception {
    common.applyVerbosity();
    TaskId taskId = new TaskId(common.taskId);
    MDC.put("taskId", taskId.value());
    MDC.put("action", "recover");
    Optional<ResultFiles> files = common.resultFiles(wiring);
    files.ifPresent(ResultFiles::probe);
    StateStore store = common.store(wiring);
    Transaction transaction =
        new Transaction(
            store,
            common.conflictPolicy(),
            wiring.sleeper(),
            System::nanoTime,
            () -> ThreadLocalRandom.current().nextDouble());
    String name = StateConfigMap.name(taskId);
    Outcome outcome =
        run(
            transaction,
            taskId,
            repair,
            wiring.clock(),
            store::read,
            results -> files.ifPresent(f -> f.check(results)));
    Diagnosis diagnosis = outcome.diagnosis();
    Results results = outcome.results();
    if (files.isPresent()) {
      ActionCommand.writeAfterCommit(
          files.get(),
          results,
          outcome.plan().isPresent()
              ? "the repair is done; re-run recover to report the repaired state"
              : "re-run recover");
    }
    spec.commandLine().getOut().println(report(results, diagnosis, outcome.plan()));
    spec.commandLine().getOut().flush();
    if (!diagnosis.healthy() && outcome.plan().isEmpty()) {
      throw new InvalidStateException(
          "configmap/"
              + name
              + ": "
              + diagnosis.problems().size()
              + " problem(s) found, first: "
              + diagnosis.problems().get(0).check()
              + ": "
              + diagnosis.problems().get(0).detail()
              + (diagnosis.newerSchema() ? "" : "; run recover --repair"));
    }
    return 0;
  }

  private static Results results(Diagnosis diagnosis, Optional<Recovery.Plan> plan) {
    return Results.empty()
        .with("healthy", diagnosis.healthy())
        .with("problems", diagnosis.problems().size())
        .with("repaired", plan.isPresent())
        .with("source", plan.map(p -> p.repaired().source()).orElse(""))
        .with("preserved", plan.map(Recovery.Plan::preservedKey).orElse(""));
  }

  private static String report(Results results, Diagnosis diagnosis, Optional<Recovery.Plan> plan) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    ObjectNode report = json.objectNode();
    results.asMap().forEach(report::put);
    ArrayNode problems = report.putArray("findings");
    diagnosis
        .problems()
        .forEach(
            p ->
                problems
                    .addObject()
                    .put("check", p.check())
                    .put("detail", p.detail())
                    .put("blocksActions", p.blocksActions()));
    ArrayNode actions = report.putArray("actions");
    plan.map(p -> p.repaired().actions()).orElse(List.of()).forEach(actions::add);
    ArrayNode changed = report.putArray("changed");
    plan.map(Recovery.Plan::changed).orElse(List.of()).forEach(changed::add);
    return report.toString();
  }
}
