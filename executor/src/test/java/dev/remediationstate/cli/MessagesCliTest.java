package dev.remediationstate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.store.FakeStateStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 15, messages: one action name per line, durations as the options spell them, help. */
class MessagesCliTest {
  private final FakeWiring cli = new FakeWiring(new FakeStateStore());

  @Test
  void theActionIsNamedOnceInAnErrorLine() {
    for (String action : List.of("next-iteration", "gate")) {
      FakeWiring.Run run = cli.run(action, "--task-id", "absent");
      assertEquals(3, run.exitCode(), run.err());
      String line = run.err().strip();
      assertEquals(line.indexOf(action), line.lastIndexOf(action), line);
      assertTrue(line.contains("run init"), line);
    }
  }

  @Test
  void durationsAreShownAsTheOptionsSpellThem() {
    FakeWiring.Run run = cli.run("gc", "--ttl", "1s");
    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains("ttl: 1s is shorter than 1m"), run.err());
    assertFalse(run.err().contains("PT"), run.err());
  }

  @Test
  void gcHelpNamesTheVariableOfEveryOption() {
    FakeWiring.Run run = cli.run("gc", "--help");
    assertEquals(0, run.exitCode(), run.err());
    for (String env :
        List.of(
            "RS_NAMESPACE",
            "RS_GC_TTL",
            "RS_GC_GRACE",
            "RS_GC_DRY_RUN",
            "RS_GC_DELETE_UNREADABLE",
            "RS_GC_PAGE_SIZE",
            "RS_GC_PROGRESS_EVERY",
            "RS_GC_METRICS_FILE",
            "RS_GC_PUSHGATEWAY_URL",
            "RS_GC_PUSHGATEWAY_JOB",
            "RS_RESULTS_DIR",
            "RS_RESULTS_LIMIT",
            "RS_VERBOSE")) {
      assertTrue(run.out().contains(env), env + " missing from gc --help");
    }
  }

  @Test
  void everyExitCodeIsListedInTheHelp() {
    FakeWiring.Run run = cli.run("--help");
    for (int code = 0; code <= 8; code++) {
      assertTrue(run.out().contains("  " + code + "   "), code + " missing:\n" + run.out());
    }
  }
}
