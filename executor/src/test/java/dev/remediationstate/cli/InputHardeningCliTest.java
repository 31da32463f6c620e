package dev.remediationstate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.FakeStateStore;
import dev.remediationstate.store.StateObject;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 15, defects 4 and 7: repeated JSON fields and bad namespaces are refused up front. */
class InputHardeningCliTest {
  private static final TaskId TASK = new TaskId("hardening");
  private final FakeStateStore memory = new FakeStateStore();
  private final FakeWiring cli = new FakeWiring(memory);

  private void started() {
    assertEquals(0, cli.run(FakeWiring.command("init", TASK.value())).exitCode());
    assertEquals(0, cli.run(FakeWiring.command("next-iteration", TASK.value())).exitCode());
  }

  @Test
  void aRepeatedFieldInAFindingIsRefused() {
    started();
    int writes = memory.writes().size();
    FakeWiring.Run run =
        cli.run(
            FakeWiring.command(
                "record-feedback",
                TASK.value(),
                "--feedback",
                "{\"severity\":\"high\",\"issueType\":\"bug\",\"description\":\"d\","
                    + "\"severity\":\"low\"}"));
    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains("feedback.severity: is given twice"), run.err());
    assertEquals(writes, memory.writes().size());
  }

  @Test
  void aVerboseFindingIsCutNotRefusedAndTheResultSaysSo() {
    started();
    FakeWiring.Run run =
        cli.run(
            FakeWiring.command(
                "record-feedback",
                TASK.value(),
                "--feedback",
                "{\"severity\":\"high\",\"issueType\":\"bug\",\"description\":\"start "
                    + "long ".repeat(5000)
                    + "end\"}"));
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("\"recorded\":\"true\""), run.out());
    assertTrue(run.out().contains("\"truncated\":\"1\""), run.out());
  }

  @Test
  void aRepeatedFieldInTheStoredStateIsAnInvalidState() {
    started();
    StateObject o = memory.read(TASK.configMapName()).orElseThrow();
    Map<String, String> data = new LinkedHashMap<>(o.data());
    data.put("state.json", data.get("state.json").replaceFirst("\\{", "{\"iteration\":9,"));
    memory.put(
        new StateObject(o.name(), o.labels(), o.annotations(), data, o.binaryData(), null, null));
    FakeWiring.Run run = cli.run(FakeWiring.command("next-iteration", TASK.value()));
    assertEquals(3, run.exitCode(), run.err());
    assertTrue(run.err().contains("a field is given twice"), run.err());
    assertTrue(run.err().contains("recover --repair"), run.err());
  }

  @ParameterizedTest
  @ValueSource(strings = {"../..", "a/b", "UPPER", "-lead", "trail-", "a.b", "x%2Fy"})
  void aNamespaceThatIsNotADns1123LabelIsRefusedBeforeTheApiIsOpened(String namespace) {
    for (String action : new String[] {"init", "show", "recover", "next-iteration"}) {
      FakeWiring.Run run = cli.run(FakeWiring.command(action, TASK.value(), "-n", namespace));
      assertEquals(2, run.exitCode(), action + ": " + run.err());
      assertTrue(run.err().contains(": namespace: must be a DNS-1123 label"), run.err());
      assertNull(cli.namespaceAsked(), "the store was never opened");
    }
  }

  @Test
  void aValidNamespaceIsPassedOn() {
    FakeWiring.Run run = cli.run(FakeWiring.command("init", TASK.value(), "-n", "team-a1"));
    assertEquals(0, run.exitCode(), run.err());
    assertEquals("team-a1", cli.namespaceAsked());
  }
}
