package dev.remediationstate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.failure.ExitCode;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.FakeStateStore;
import dev.remediationstate.store.FaultInjectingStateStore;
import dev.remediationstate.store.StateConfigMap;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every action through the real command line over a store that fails at 10-30 %: 429, 5xx, timeouts
 * before the write, and writes that commit but lose their answer. With a tight transient budget
 * some commands run out of attempts: they must end in exit code 6 and, re-run with the same request
 * id, reach exactly the totals of a fault-free run. The stored state is decoded (every invariant
 * checked) after every command.
 */
class TransientFaultsCliTest {
  private static final TaskId TASK = new TaskId("flaky");
  private static final int ROUNDS = 60;

  @ParameterizedTest
  @CsvSource({"0.1, 8", "0.2, 8", "0.3, 8", "0.1, 2", "0.2, 2", "0.3, 2"})
  void everyCommandEndsInSuccessOrExitSixAndTotalsAreExact(double rate, int apiAttempts) {
    FakeStateStore memory = new FakeStateStore();
    FaultInjectingStateStore flaky =
        new FaultInjectingStateStore(memory, Double.doubleToLongBits(rate) + apiAttempts, rate);
    FakeWiring cli = new FakeWiring(flaky);
    String attempts = Integer.toString(apiAttempts);
    int[] exits = new int[8];
    untilDone(
        cli,
        memory,
        exits,
        "init",
        "--max-iterations",
        "100",
        "--api-attempts",
        attempts,
        "--request-id",
        "init");
    for (int i = 1; i <= ROUNDS; i++) {
      untilDone(
          cli,
          memory,
          exits,
          "next-iteration",
          "--api-attempts",
          attempts,
          "--request-id",
          "it-" + i);
      untilDone(
          cli,
          memory,
          exits,
          "record-feedback",
          "--api-attempts",
          attempts,
          "--request-id",
          "fb-" + i,
          "--feedback",
          "{\"verdict\":\"changes-requested\",\"severity\":\"low\",\"issueType\":\"bug\","
              + "\"fingerprint\":\"fp-"
              + i
              + "\",\"description\":\"finding "
              + i
              + "\"}");
      untilDone(cli, memory, exits, "gate", "--api-attempts", attempts, "--request-id", "g-" + i);
    }
    RemediationState state = stored(memory);
    assertEquals(ROUNDS, state.iteration());
    assertEquals(ROUNDS, state.feedback().size());
    for (int i = 1; i <= ROUNDS; i++) {
      assertEquals("it-" + i, state.iterations().get(i - 1).requestId());
    }
    assertTrue(flaky.injected() > 0);
    if (apiAttempts == 2) {
      assertTrue(exits[6] > 0, "a tight budget must run out sometimes");
    }
    System.out.printf(
        "rate %.0f%%, %d attempts: %d faults (%d writes committed without an answer);"
            + " exits: %d x 0, %d x 6%n",
        rate * 100, apiAttempts, flaky.injected(), flaky.lostResponses(), exits[0], exits[6]);
  }

  private static void untilDone(
      FakeWiring cli, FakeStateStore memory, int[] exits, String action, String... args) {
    String[] full = FakeWiring.command(action, TASK.value(), args);
    for (int run = 0; run < 100; run++) {
      FakeWiring.Run result = cli.run(full);
      exits[result.exitCode()]++;
      if (memory.read(TASK.configMapName()).isPresent()) {
        stored(memory);
      }
      if (result.exitCode() == 0) {
        return;
      }
      assertEquals(ExitCode.OUTCOME_UNKNOWN.code(), result.exitCode(), result.err());
      assertTrue(result.err().startsWith("remediation-state " + action + ": "), result.err());
    }
    throw new AssertionError(action + " never succeeded");
  }

  private static RemediationState stored(FakeStateStore memory) {
    Optional<dev.remediationstate.store.StateObject> object = memory.read(TASK.configMapName());
    return StateConfigMap.decode(object.orElseThrow(), TASK);
  }
}
