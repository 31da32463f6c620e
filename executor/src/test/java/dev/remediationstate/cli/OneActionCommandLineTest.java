package dev.remediationstate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.store.FakeStateStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A process that names its action builds that subcommand alone; help and typos see them all. */
class OneActionCommandLineTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Cli.execute(
        args, new FakeWiring(new FakeStateStore()), new PrintWriter(out), new PrintWriter(err));
  }

  @Test
  void anActionsCommandLineHoldsThatActionAlone() {
    FakeWiring wiring = new FakeWiring(new FakeStateStore());
    var cli =
        Cli.commandLine(
            wiring, new PrintWriter(out), new PrintWriter(err), List.of("next-iteration"));
    assertEquals(List.of("next-iteration"), List.copyOf(cli.getSubcommands().keySet()));
  }

  @Test
  void helpStillListsEveryAction() {
    assertEquals(0, run("--help"));
    for (String action : Cli.ACTIONS) {
      assertTrue(out.toString().contains(action), action + " missing from:\n" + out);
    }
  }

  @Test
  void aMistypedActionIsInvalidInput() {
    assertEquals(2, run("next-iteraton", "--task-id", "a"));
    assertTrue(err.toString().contains("'next-iteraton'"), err.toString());
  }

  @Test
  void versionNeedsNoAction() {
    assertEquals(0, run("--version"));
    assertTrue(out.toString().startsWith("remediation-state "), out.toString());
  }
}
