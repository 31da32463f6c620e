package dev.remediationstate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.recovery.RepairJournal;
import dev.remediationstate.recovery.StateCheck;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.FakeStateStore;
import dev.remediationstate.store.StateBackup;
import dev.remediationstate.store.StateConfigMap;
import dev.remediationstate.store.StateObject;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Damaged, foreign and newer states through the real command line: refused, recovered, kept. */
class StateDamageCliTest {
  private static final int NEWER = RemediationState.SCHEMA_VERSION + 1;

  private static final TaskId TASK = new TaskId("damaged");
  private static final String FINDING =
      "{\"verdict\":\"changes-requested\",\"severity\":\"low\",\"issueType\":\"bug\","
          + "\"description\":\"d\"}";

  private final FakeStateStore memory = new FakeStateStore();
  private final FakeWiring cli = new FakeWiring(memory);

  /** init, then three iterations: a sound state with a backup of the one before. */
  private StateObject healthy() {
    run(0, "init", "--max-iterations", "5");
    for (int i = 1; i <= 3; i++) {
      run(0, "next-iteration", "--request-id", "it-" + i);
    }
    run(0, "record-feedback", "--request-id", "fb-1", "--feedback", FINDING);
    return stored();
  }

  @ParameterizedTest(name = "{0} refuses {1}")
  @CsvSource({
    "init, corrupt-json",
    "next-iteration, corrupt-json",
    "record-feedback, corrupt-json",
    "gate, corrupt-json",
    "init, inconsistent",
    "next-iteration, inconsistent",
    "record-feedback, inconsistent",
    "gate, inconsistent",
    "init, other-task",
    "next-iteration, other-task",
    "record-feedback, other-task",
    "gate, other-task",
    "init, newer-schema",
    "next-iteration, newer-schema",
    "record-feedback, newer-schema",
    "gate, newer-schema",
    "init, no-state-key",
    "next-iteration, no-state-key",
    "record-feedback, no-state-key",
    "gate, no-state-key"
  })
  void everyActionRefusesADamagedStateAndWritesNothing(String action, String damage) {
    healthy();
    StateObject damaged = damage(damage);
    int writes = memory.stored().size();
    FakeWiring.Run run =
        action.equals("record-feedback")
            ? cli.run(action, "--task-id", TASK.value(), "--feedback", FINDING)
            : cli.run(action, "--task-id", TASK.value());
    assertEquals(3, run.exitCode(), run.err());
    assertTrue(run.err().startsWith("remediation-state " + action + ": configmap/"), run.err());
    assertEquals(writes, memory.stored().size(), "nothing written");
    assertEquals(damaged.resourceVersion(), stored().resourceVersion());
    assertEquals(damaged.data(), stored().data());
  }

  @Test
  void showStillReadsANewerSchema() {
    healthy();
    damage("newer-schema");
    FakeWiring.Run run = cli.run("show", "--task-id", TASK.value());
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("\"schemaVersion\" : " + NEWER), run.out());
    assertTrue(run.out().contains("\"fromTheFuture\""), run.out());
  }

  @Test
  void aPrototypeStateIsMigratedOnReadAndWrittenAsTheCurrentSchema() throws Exception {
    String prototype =
        new String(
                getClass()
                    .getResourceAsStream("/fixtures/state-schema-0-prototype.json")
                    .readAllBytes(),
                StandardCharsets.UTF_8)
            .replace("proto-1", TASK.value());
    memory.put(
        new StateObject(
            TASK.configMapName(),
            Map.of(),
            Map.of(),
            Map.of("state.json", prototype),
            Map.of(),
            null,
            null));
    assertEquals(0, cli.run("show", "--task-id", TASK.value()).exitCode());
    FakeWiring.Run next = cli.run("next-iteration", "--task-id", TASK.value());
    assertEquals(0, next.exitCode(), next.err());
    assertTrue(next.out().contains("\"iteration\":\"3\""), next.out());
    RemediationState state = StateConfigMap.decode(stored(), TASK);
    assertEquals(RemediationState.SCHEMA_VERSION, state.schemaVersion());
    assertEquals(2, state.feedback().size());
    assertEquals(
        Integer.toString(RemediationState.SCHEMA_VERSION),
        stored().annotations().get(StateConfigMap.ANNOTATION_SCHEMA));
  }

  @Test
  void recoverReportsAHealthyStateAndWritesNothing() {
    healthy();
    int writes = memory.stored().size();
    FakeWiring.Run run = cli.run("recover", "--task-id", TASK.value(), "--repair");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("\"healthy\":\"true\""), run.out());
    assertEquals(writes, memory.stored().size());
  }

  @Test
  void recoverWithoutRepairReportsAndWritesNothing() {
    healthy();
    damage("corrupt-json");
    int writes = memory.stored().size();
    FakeWiring.Run run = cli.run("recover", "--task-id", TASK.value());
    assertEquals(3, run.exitCode());
    assertTrue(run.out().contains("\"check\":\"json\""), run.out());
    assertTrue(run.err().contains("run recover --repair"), run.err());
    assertEquals(writes, memory.stored().size());
  }

  @Test
  void corruptJsonIsRebuiltFromTheLastGoodCopyAndTheOriginalIsKept() {
    StateObject before = healthy();
    assertNotNull(before.binaryData().get(StateBackup.KEY), "the store keeps a backup");
    StateObject damaged = damage("corrupt-json");
    FakeWiring.Run run = cli.run("recover", "--task-id", TASK.value(), "--repair");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("\"source\":\"backup\""), run.out());
    StateObject repaired = stored();
    RemediationState state = StateConfigMap.decode(repaired, TASK);
    assertEquals(3, state.iteration(), "caught up with the readable iteration key");
    String preserved =
        repaired.data().entrySet().stream()
            .filter(e -> e.getKey().startsWith("state.json.corrupt-"))
            .map(Map.Entry::getValue)
            .findFirst()
            .orElseThrow();
    assertEquals(damaged.data().get("state.json"), preserved);
    assertTrue(repaired.data().get(RepairJournal.KEY).contains("\"source\":\"backup\""));
    assertTrue(StateCheck.diagnose(repaired, TASK).healthy());
    FakeWiring.Run next = cli.run("next-iteration", "--task-id", TASK.value());
    assertEquals(0, next.exitCode(), next.err());
    assertTrue(next.out().contains("\"iteration\":\"4\""), next.out());
  }

  @Test
  void withoutABackupTheReadableKeysRebuildTheState() {
    healthy();
    modify(
        o -> {
          Map<String, byte[]> binary = new LinkedHashMap<>(o.binaryData());
          binary.remove(StateBackup.KEY);
          Map<String, String> data = new LinkedHashMap<>(o.data());
          data.put("state.json", "{\"schemaVersion\":1,\"taskId\":\"dam");
          return new StateObject(o.name(), o.labels(), o.annotations(), data, binary, null, null);
        });
    FakeWiring.Run run = cli.run("recover", "--task-id", TASK.value(), "--repair");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("\"source\":\"readable-keys\""), run.out());
    RemediationState state = StateConfigMap.decode(stored(), TASK);
    assertEquals(3, state.iteration());
    assertEquals("in-progress", state.status().value());
  }

  @Test
  void anInconsistentStateIsRepairedDeterministically() {
    healthy();
    damage("inconsistent");
    StateObject damaged = stored();
    FakeWiring.Run run = cli.run("recover", "--task-id", TASK.value(), "--repair");
    assertEquals(0, run.exitCode(), run.err());
    StateObject repaired = stored();
    RemediationState state = StateConfigMap.decode(repaired, TASK);
    assertEquals(7, state.iteration(), "an iteration number handed out is never reused");
    assertEquals(7, state.maxIterations());
    assertEquals("in-progress", state.status().value());
    assertTrue(StateCheck.diagnose(repaired, TASK).healthy());
    FakeStateStore again = new FakeStateStore();
    again.put(damaged);
    new FakeWiring(again).run("recover", "--task-id", TASK.value(), "--repair");
    assertEquals(
        state, StateConfigMap.decode(again.read(TASK.configMapName()).orElseThrow(), TASK));
  }

  @Test
  void aNewerSchemaIsNeverRepaired() {
    healthy();
    damage("newer-schema");
    int writes = memory.stored().size();
    FakeWiring.Run run = cli.run("recover", "--task-id", TASK.value(), "--repair");
    assertEquals(3, run.exitCode());
    assertTrue(run.err().contains("upgrade the image"), run.err());
    assertEquals(writes, memory.stored().size());
  }

  private StateObject damage(String kind) {
    return modify(
        o -> {
          Map<String, String> data = new LinkedHashMap<>(o.data());
          String json = data.get("state.json");
          switch (kind) {
            case "corrupt-json" -> data.put("state.json", json.substring(0, json.length() / 2));
            case "inconsistent" ->
                data.put(
                    "state.json",
                    json.replace("\"iteration\":3", "\"iteration\":7")
                        .replace("\"status\":\"in-progress\"", "\"status\":\"initialized\""));
            case "other-task" ->
                data.put("state.json", json.replace("\"damaged\"", "\"intruder\""));
            case "newer-schema" ->
                data.put(
                    "state.json",
                    json.replace(
                        "\"schemaVersion\":" + RemediationState.SCHEMA_VERSION,
                        "\"schemaVersion\":" + NEWER + ",\"fromTheFuture\":{}"));
            case "no-state-key" -> data.remove("state.json");
            default -> throw new IllegalArgumentException(kind);
          }
          return new StateObject(
              o.name(), o.labels(), o.annotations(), data, o.binaryData(), null, null);
        });
  }

  private StateObject modify(UnaryOperator<StateObject> change) {
    return memory.put(change.apply(stored()));
  }

  private StateObject stored() {
    return memory.read(TASK.configMapName()).orElseThrow();
  }

  private void run(int expected, String... args) {
    FakeWiring.Run run =
        cli.run(
            FakeWiring.command(
                args[0], TASK.value(), java.util.Arrays.copyOfRange(args, 1, args.length)));
    assertEquals(expected, run.exitCode(), run.err());
  }
}
