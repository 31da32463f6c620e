package dev.remediationstate.cli;

import dev.remediationstate.action.Action;
import dev.remediationstate.action.GateAction;
import dev.remediationstate.state.TaskId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "gate",
    description = "Decide continue, complete or stop, and record the resulting status.",
    mixinStandardHelpOptions = true)
final class GateCommand extends ActionCommand {
  @Option(
      names = "--no-progress-threshold",
      defaultValue = "${env:RS_NO_PROGRESS_THRESHOLD:-3}",
      description =
          "Stop when one finding comes back in this many consecutive reviews, 2..100"
              + " (default ${DEFAULT-VALUE}). Env: RS_NO_PROGRESS_THRESHOLD.")
  int noProgressThreshold;

  GateCommand(Wiring wiring) {
    super(wiring);
  }

  @Override
  Action action(TaskId taskId, Wiring wiring) {
    return new GateAction(noProgressThreshold);
  }
}
