package dev.remediationstate.cli;

import dev.remediationstate.action.Action;
import dev.remediationstate.action.NextIterationAction;
import dev.remediationstate.state.TaskId;
import picocli.CommandLine.Command;

@Command(
    name = "next-iteration",
    description = "Start the next iteration, or report that the limit is reached.",
    mixinStandardHelpOptions = true)
final class NextIterationCommand extends ActionCommand {
  NextIterationCommand(Wiring wiring) {
    super(wiring);
  }

  @Override
  Action action(TaskId taskId, Wiring wiring) {
    return new NextIterationAction(common.requestId(wiring));
  }
}
