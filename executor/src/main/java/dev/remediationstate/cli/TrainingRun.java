package dev.remediationstate.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs several command lines in one JVM, one after the other, each with fresh production wiring:
 * the training run for a class-data archive (a JDK 25 AOT cache or AppCDS), which records one JVM
 * and should see every action's classes. Not the image's entrypoint; {@code
 * executor/bench/train-aot.sh} calls it.
 *
 * <p>Usage: {@code java -cp remediation-state-cli.jar dev.remediationstate.cli.TrainingRun init
 * --task-id t :: next-iteration --task-id t :: show --task-id t}. Stops at the first command that
 * fails and exits with its code.
 */
public final class TrainingRun {
  static final String SEPARATOR = "::";

  private TrainingRun() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, false, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, false, StandardCharsets.UTF_8);
    int code = 0;
    for (String[] commandLine : split(args)) {
      code = Cli.execute(commandLine, new ProductionWiring(), out, err);
      if (code != 0) {
        break;
      }
    }
    System.exit(code);
  }

  /** The command lines between {@value #SEPARATOR} arguments; empty ones are dropped. */
  static List<String[]> split(String[] args) {
    List<String[]> commandLines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= args.length; i++) {
      if (i == args.length || args[i].equals(SEPARATOR)) {
        if (i > start) {
          commandLines.add(Arrays.copyOfRange(args, start, i));
        }
        start = i + 1;
      }
    }
    return commandLines;
  }
}
