package dev.remediationstate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.remediationstate.failure.InvalidStateException;
import dev.remediationstate.history.FeedbackPager;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.StateJson;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.StateConfigMap;
import dev.remediationstate.store.StateObject;
import dev.remediationstate.store.StateStore;
import java.util.concurrent.Callable;
import org.slf4j.MDC;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "show",
    description =
        "Print the task's state as JSON, or with --feedback one page of the feedback history"
            + " (archive pages included). Reads only.",
    mixinStandardHelpOptions = true)
final class ShowCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Option(
      names = "--feedback",
      defaultValue = "${env:RS_SHOW_FEEDBACK:-false}",
      description = "Print the feedback history, a page at a time. Env: RS_SHOW_FEEDBACK.")
  boolean feedback;

  @Option(
      names = "--page",
      defaultValue = "${env:RS_SHOW_PAGE:-1}",
      description =
          "With --feedback: the page to print, from 1 (default ${DEFAULT-VALUE}). Env: RS_SHOW_PAGE.")
  int page;

  @Option(
      names = "--page-size",
      defaultValue = "${env:RS_SHOW_PAGE_SIZE:-20}",
      description =
          "With --feedback: entries per page, 1..500 (default ${DEFAULT-VALUE})."
              + " Env: RS_SHOW_PAGE_SIZE.")
  int pageSize;

  @Option(
      names = "--oldest-first",
      defaultValue = "${env:RS_SHOW_OLDEST_FIRST:-false}",
      description =
          "With --feedback: page from the oldest entry (default: newest first)."
              + " Env: RS_SHOW_OLDEST_FIRST.")
  boolean oldestFirst;

  private final Wiring wiring;

  ShowCommand(Wiring wiring) {
    this.wiring = wiring;
  }

  @Override
  public Integer call() throws JsonProcessingException {
    common.applyVerbosity();
    TaskId taskId = new TaskId(common.taskId);
    MDC.put("taskId", taskId.value());
    MDC.put("action", "show");
    String name = StateConfigMap.name(taskId);
    StateStore store = common.store(wiring);
    StateObject object =
        store
            .read(name)
            .orElseThrow(
                () ->
                    new InvalidStateException("configmap/" + name + " not found: run init first"));
    RemediationState state = StateConfigMap.decode(object, taskId);
    if (feedback) {
      FeedbackPager.Page result =
          new FeedbackPager(store, taskId).read(state, page, pageSize, !oldestFirst);
      spec.commandLine()
          .getOut()
          .println(StateJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
    } else {
      spec.commandLine().getOut().println(StateJson.writePretty(state));
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
