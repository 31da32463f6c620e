package dev.remediationstate.cli;

import dev.remediationstate.action.Action;
import dev.remediationstate.failure.InvalidInputException;
import dev.remediationstate.gc.GcEdges;
import dev.remediationstate.kube.KubeConnection;
import dev.remediationstate.state.Printable;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.Sleeper;
import dev.remediationstate.store.StateStore;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Binds an action from named parameters (a CustomRun's params, a plugin request) through the CLI's
 * own commands: each parameter {@code name=value} is parsed as the option {@code --name=value} of
 * the action's command, so every default, conversion and check is the CLI's and none is restated
 * here.
 *
 * <p>Only the options that describe the action are accepted: {@link #ALLOWED}. The edge supplies
 * the request id and the namespace itself; options that reach the process's files or tune its
 * retries ({@code --feedback-file}, {@code --results-dir}, {@code --namespace}, {@code
 * --request-id}, ...) are refused, so a CustomRun can neither read the controller's files nor write
 * state in another namespace.
 */
public final class ActionParams {
  /** The actions an edge can run, and the parameters each accepts. */
  public static final Map<String, Set<String>> ALLOWED =
      Map.of(
          "init", Set.of("task-id", "max-iterations", "metadata"),
          "next-iteration", Set.of("task-id"),
          "record-feedback", Set.of("task-id", "feedback", "author", "history-limit"),
          "gate", Set.of("task-id", "no-progress-threshold"));

  /** The bound action and the task it runs on. */
  public record Bound(TaskId taskId, Action action) {}

  private ActionParams() {}

  /**
   * Binds {@code action} with {@code params}. Throws {@link InvalidInputException} naming the
   * parameter for an unknown action or parameter, a missing task id, or a value the CLI refuses.
   */
  public static Bound bind(String action, Map<String, String> params, String requestId) {
    Set<String> allowed = ALLOWED.get(action);
    if (allowed == null) {
      throw new InvalidInputException(
          "action",
          "'"
              + Printable.escape(String.valueOf(action), 64)
              + "' is not one of init, next-iteration, record-feedback, gate");
    }
    List<String> args = new ArrayList<>();
    for (Map.Entry<String, String> param : params.entrySet()) {
      if (!allowed.contains(param.getKey())) {
        throw new InvalidInputException(
            Printable.escape(param.getKey(), 64),
            "is not a parameter of "
                + action
                + "; accepted: "
                + String.join(", ", sorted(allowed)));
      }
      args.add("--" + param.getKey() + "=" + param.getValue());
    }
    String taskId = params.get("task-id");
    if (taskId == null || taskId.isEmpty()) {
      throw new InvalidInputException("task-id", "is required");
    }
    args.add("--request-id=" + requestId);
    ActionCommand command = command(action);
    try {
      new CommandLine(command).parseArgs(args.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      throw new InvalidInputException(field(e), oneLine(e.getMessage()));
    }
    TaskId id = new TaskId(command.common.taskId);
    return new Bound(id, command.action(id, NO_EDGES));
  }

  private static ActionCommand command(String action) {
    switch (action) {
      case "init":
        return new InitCommand(NO_EDGES);
      case "next-iteration":
        return new NextIterationCommand(NO_EDGES);
      case "record-feedback":
        return new RecordFeedbackCommand(NO_EDGES);
      case "gate":
        return new GateCommand(NO_EDGES);
      default:
        throw new IllegalStateException("ALLOWED and command() disagree on " + action);
    }
  }

  private static String field(CommandLine.ParameterException e) {
    ArgSpec spec = e.getArgSpec();
    if (spec instanceof OptionSpec option) {
      return option.longestName().replaceFirst("^--", "");
    }
    return "params";
  }

  private static List<String> sorted(Set<String> names) {
    return names.stream().sorted().toList();
  }

  private static String oneLine(String message) {
    return message == null ? "is invalid" : message.replace('\n', ' ').replace('\r', ' ');
  }

  /**
   * The commands only build an action here: nothing may reach the API, a file or stdin. The bound
   * parameters never name a file, so no method of this wiring is ever called.
   */
  private static final Wiring NO_EDGES =
      new Wiring() {
        @Override
        public StateStore store(String namespaceFlag) {
          throw new IllegalStateException("binding an action opens no store");
        }

        @Override
        public GcEdges gcEdges(String namespaceFlag) {
          throw new IllegalStateException("binding an action opens no gc edges");
        }

        @Override
        public KubeConnection.Connected connect() {
          throw new IllegalStateException("binding an action opens no connection");
        }

        @Override
        public Clock clock() {
          throw new IllegalStateException("binding an action reads no clock");
        }

        @Override
        public Sleeper sleeper() {
          throw new IllegalStateException("binding an action never sleeps");
        }

        @Override
        public InputStream stdin() {
          throw new IllegalStateException("binding an action reads no stdin");
        }

        @Override
        public Optional<Path> defaultResultsDir() {
          return Optional.empty();
        }

        /**
         * No environment: every edge passes the request id itself (the CustomRun's UID, the plugin
         * step's id), never one derived from the serving pod's name.
         */
        @Override
        public Map<String, String> env() {
          return Map.of();
        }

        @Override
        public void close() {}
      };
}
