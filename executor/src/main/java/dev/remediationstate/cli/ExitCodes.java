package dev.remediationstate.cli;

import dev.remediationstate.failure.ExitCode;
import dev.remediationstate.failure.RemediationException;
import dev.remediationstate.feedback.Redactor;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The one place where failures become exit codes and the one line the user reads on stderr: {@code
 * remediation-state <action>: <field or object>: <what is wrong>}. The stack trace follows only
 * with {@code --verbose}.
 */
final class ExitCodes {
  private ExitCodes() {}

  static void install(CommandLine cli) {
    cli.setParameterExceptionHandler(ExitCodes::onParameterError);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> onExecutionError(e, commandLine));
  }

  static int code(Throwable e) {
    if (e instanceof RemediationException failure) {
      return failure.exitCode().code();
    }
    if (e instanceof ParameterException) {
      return ExitCode.USAGE.code();
    }
    return ExitCode.INTERNAL.code();
  }

  private static int onParameterError(ParameterException e, String[] args) {
    PrintWriter err = e.getCommandLine().getErr();
    err.println(
        prefix(e.getCommandLine())
            + oneLine(e.getMessage())
            + " (see "
            + e.getCommandLine().getCommandSpec().qualifiedName()
            + " --help)");
    err.flush();
    return ExitCode.USAGE.code();
  }

  private static int onExecutionError(Exception e, CommandLine commandLine) {
    PrintWriter err = commandLine.getErr();
    int code = code(e);
    String message =
        e instanceof RemediationException
            ? oneLine(e.getMessage())
            : "internal error: " + oneLine(String.valueOf(e)) + " (re-run with --verbose)";
    if (code == ExitCode.STATE_INVALID.code()
        && !message.contains("recover")
        && !message.contains("init")
        && !message.contains("upgrade")) {
      message += "; run recover, then recover --repair";
    }
    err.println(prefix(commandLine) + message);
    if (verbose(commandLine)) {
      e.printStackTrace(err);
    }
    err.flush();
    return code;
  }

  private static boolean verbose(CommandLine commandLine) {
    Object command = commandLine.getCommand();
    if (command instanceof ActionCommand action) {
      return action.common.verbose;
    }
    if (command instanceof ShowCommand show) {
      return show.common.verbose;
    }
    if (command instanceof GcCommand gc) {
      return gc.verbose;
    }
    if (command instanceof RecoverCommand recover) {
      return recover.common.verbose;
    }
    return false;
  }

  private static String prefix(CommandLine commandLine) {
    return commandLine.getCommandSpec().qualifiedName() + ": ";
  }

  /**
   * The message on one line, with anything that looks like a secret replaced: the messages never
   * quote input on purpose, and this catches what a library quotes (picocli echoes a bad value).
   */
  private static String oneLine(String message) {
    if (message == null) {
      return "failed";
    }
    return Redactor.redact(message.replace('\n', ' ').replace('\r', ' ')).text();
  }
}
