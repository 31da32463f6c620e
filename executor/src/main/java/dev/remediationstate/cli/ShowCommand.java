package dev.remediationstate.cli;

import dev.remediationstate.failure.InvalidStateException;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.StateJson;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.StateConfigMap;
import dev.remediationstate.store.StateObject;
import java.util.concurrent.Callable;
import org.slf4j.MDC;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "show",
    description = "Print the task's state as JSON. Reads only.",
    mixinStandardHelpOptions = true)
final class ShowCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  private final Wiring wiring;

  ShowCommand(Wiring wiring) {
    this.wiring = wiring;
  }

  @Override
  public Integer call() {
    common.applyVerbosity();
    TaskId taskId = new TaskId(common.taskId);
    MDC.put("taskId", taskId.value());
    MDC.put("action", "show");
    String name = StateConfigMap.name(taskId);
    StateObject object =
        common
            .store(wiring)
            .read(name)
            .orElseThrow(
                () -> new InvalidStateException("configmap/" + name + " not found: run init first"));
    RemediationState state = StateConfigMap.decode(object, taskId);
    spec.commandLine().getOut().println(StateJson.writePretty(state));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
