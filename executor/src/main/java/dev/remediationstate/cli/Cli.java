package dev.remediationstate.cli;

import dev.remediationstate.log.LogLevels;
import java.io.PrintWriter;
import java.util.List;
import org.slf4j.MDC;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The command line: {@code remediation-state <action> [options]}. {@link #commandLine} is the one
 * factory, used by {@link Main} and by the tests, with the wiring and streams they choose.
 */
@Command(
    name = "remediation-state",
    description = "Atomic ConfigMap state for AI-agent remediation loops on Tekton and Argo.",
    mixinStandardHelpOptions = true,
    versionProvider = Cli.Version.class,
    exitCodeOnInvalidInput = 2,
    exitCodeOnExecutionException = 1,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success (a gate 'stop' is a success)",
      "1:internal error (a bug): re-run with --verbose and report",
      "2:invalid input: fix the named option or field",
      "3:state missing, invalid or newer: run init, or recover",
      "4:conflict budget exhausted: safe to re-run",
      "5:API refused (RBAC, namespace, object): fix and re-run",
      "6:API unavailable or outcome unknown: re-run with the same --request-id",
      "7:partial failure (gc): see the named objects",
      "8:committed, but the result files could not be written: re-run with the same --request-id"
    })
public final class Cli implements Runnable {
  @Spec CommandSpec spec;

  /** The actions, in the order help lists them. */
  static final List<String> ACTIONS =
      List.of(
          "init", "next-iteration", "record-feedback", "gate", "show", "gc", "recover", "serve");

  public static CommandLine commandLine(Wiring wiring, PrintWriter out, PrintWriter err) {
    return commandLine(wiring, out, err, ACTIONS);
  }

  /**
   * The command line with only {@code actions} as subcommands: a process that runs one action
   * builds that one alone, which spares the start-up the reflection over every other command.
   */
  static CommandLine commandLine(
      Wiring wiring, PrintWriter out, PrintWriter err, List<String> actions) {
    CommandLine cli = new CommandLine(new Cli());
    for (String action : actions) {
      cli.addSubcommand(subcommand(action, wiring));
    }
    cli.setOut(out);
    cli.setErr(err);
    ExitCodes.install(cli);
    return cli;
  }

  private static Object subcommand(String action, Wiring wiring) {
    switch (action) {
      case "init":
        return new InitCommand(wiring);
      case "next-iteration":
        return new NextIterationCommand(wiring);
      case "record-feedback":
        return new RecordFeedbackCommand(wiring);
      case "gate":
        return new GateCommand(wiring);
      case "show":
        return new ShowCommand(wiring);
      case "gc":
        return new GcCommand(wiring);
      case "serve":
        return new ServeCommand(wiring);
      case "recover":
        return new RecoverCommand(wiring);
      default:
        throw new IllegalArgumentException("no action " + action);
    }
  }

  /** Runs one command line to completion and returns the exit code; never exits the JVM. */
  public static int execute(String[] args, Wiring wiring, PrintWriter out, PrintWriter err) {
    // One command's log context and --verbose never leak into the next one run in this JVM
    // (TrainingRun, tests).
    MDC.clear();
    LogLevels.reset();
    try (wiring) {
      // "ACTION ...": that action alone; "--version": none; anything else (help, a typo,
      // options first): all.
      List<String> actions =
          args.length > 0 && ACTIONS.contains(args[0])
              ? List.of(args[0])
              : args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))
                  ? List.of()
                  : ACTIONS;
      return commandLine(wiring, out, err, actions).execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "an action is required: init, next-iteration, record-feedback, gate, show, recover, gc"
            + " or serve");
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Cli.class.getPackage().getImplementationVersion();
      return new String[] {"remediation-state " + (v == null ? "development" : v)};
    }
  }
}
