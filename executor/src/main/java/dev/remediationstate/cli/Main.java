package dev.remediationstate.cli;

import dev.remediationstate.log.PhaseMarks;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** The image's entrypoint. The only place that calls {@code System.exit}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    PhaseMarks.mark("main");
    PrintWriter out = new PrintWriter(System.out, false, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, false, StandardCharsets.UTF_8);
    int code = Cli.execute(args, new ProductionWiring(), out, err);
    PhaseMarks.mark("end");
    System.exit(code);
  }
}
