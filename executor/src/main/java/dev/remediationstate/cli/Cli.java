package dev.remediationstate.cli;

import dev.remediationstate.log.LogLevels;
import java.io.PrintWriter;
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

  public static CommandLine commandLine(Wiring wiring, PrintWriter out, PrintWriter err) {
    CommandLine cli =
        new CommandLine(new Cli())
            .addSubcommand(new InitCommand(wiring))
            .addSubcommand(new NextIterationCommand(wiring))
            .addSubcommand(new RecordFeedbackCommand(wiring))
            .addSubcommand(new GateCommand(wiring))
            .addSubcommand(new ShowCommand(wiring))
            .addSubcommand(new GcCommand(wiring))
            .addSubcommand(new RecoverCommand(wiring))
            .addSubcommand(new ServeCommand(wiring));
    cli.setOut(out);
    cli.setErr(err);
    ExitCodes.install(cli);
    return cli;
  }

  /** Runs one command line to completion and returns the exit code; never exits the JVM. */
  public static int execute(String[] args, Wiring wiring, PrintWriter out, PrintWriter err) {
    // One command's log context and --verbose never leak into the next one run in this JVM
    // (TrainingRun, tests).
    MDC.clear();
    LogLevels.reset();
    try (wiring) {
      return commandLine(wiring, out, err).execute(args);
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
