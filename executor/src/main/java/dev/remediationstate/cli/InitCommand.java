package dev.remediationstate.cli;

import dev.remediationstate.action.Action;
import dev.remediationstate.action.InitAction;
import dev.remediationstate.failure.InvalidInputException;
import dev.remediationstate.feedback.Redactor;
import dev.remediationstate.state.Printable;
import dev.remediationstate.state.TaskId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "init",
    description = "Create the task's state if it does not exist (idempotent).",
    mixinStandardHelpOptions = true)
final class InitCommand extends ActionCommand {
  static final int MAX_METADATA = 32;
  static final int MAX_METADATA_VALUE = 256;
  private static final Pattern KEY =
      Pattern.compile("[A-Za-z0-9]([-._/A-Za-z0-9]{0,61}[A-Za-z0-9])?");

  @Option(
      names = "--max-iterations",
      defaultValue = "${env:RS_MAX_ITERATIONS:-10}",
      description = "Iteration limit, 1..100 (default ${DEFAULT-VALUE}). Env: RS_MAX_ITERATIONS.")
  int maxIterations;

  @Option(
      names = "--metadata",
      split = ",",
      defaultValue = "${env:RS_METADATA}",
      description =
          "key=value pairs kept with the state (repeatable or comma-separated). Env: RS_METADATA.")
  List<String> metadata;

  InitCommand(Wiring wiring) {
    super(wiring);
  }

  @Override
  Action action(TaskId taskId, Wiring wiring) {
    return new InitAction(taskId, maxIterations, metadata(metadata));
  }

  static Map<String, String> metadata(List<String> pairs) {
    Map<String, String> result = new LinkedHashMap<>();
    if (pairs == null) {
      return result;
    }
    for (String pair : pairs) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (eq < 0 || !KEY.matcher(key).matches()) {
        throw new InvalidInputException(
            "metadata",
            "each entry must be key=value with a key of letters, digits and - . _ / (at most 63)");
      }
      if (Redactor.holdsSecret(key)) {
        throw new InvalidInputException(
            "metadata",
            "a key looks like a secret (it is not shown): keys are stored and echoed as given;"
                + " put secrets nowhere, and text in values, where secrets are redacted");
      }
      String value = pair.substring(eq + 1);
      if (value.length() > MAX_METADATA_VALUE
          || !value.equals(Printable.escape(value, MAX_METADATA_VALUE))) {
        throw new InvalidInputException(
            "metadata." + key,
            "must be printable text of at most " + MAX_METADATA_VALUE + " characters");
      }
      if (result.put(key, value) != null) {
        throw new InvalidInputException("metadata." + key, "is given twice");
      }
    }
    if (result.size() > MAX_METADATA) {
      throw new InvalidInputException(
          "metadata", "has " + result.size() + " entries; at most " + MAX_METADATA);
    }
    return result;
  }
}
