package dev.remediationstate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.FakeStateStore;
import dev.remediationstate.store.StateConfigMap;
import dev.remediationstate.store.StateObject;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, defects 1 and 2: {@code recover} reads and repairs every stored key, not only {@code
 * state.json}. A repair keeps the history it did not need to change byte for byte and says exactly
 * which keys it changed; an undecodable history is reported, restored and set aside.
 */
class StoredLayoutRecoveryCliTest {
  private static final TaskId TASK = new TaskId("layout");
  private static final String KEY_HISTORY = StateConfigMap.KEY_FEEDBACK;

  private final FakeStateStore memory = new FakeStateStore();
  private final FakeWiring cli = new FakeWiring(memory);

  private static String finding(int n) {
    return "{\"severity\":\"high\",\"issueType\":\"bug\",\"description\":\"finding number "
        + "abc".repeat(n)
        + "\",\"sourceRef\":\"review-"
        + n
        + "\"}";
  }

  /** init, three iterations, {@code findings} findings. */
  private StateObject loop(int findings) {
    run(0, "init");
    for (int i = 1; i <= 3; i++) {
      run(0, "next-iteration", "--request-id", "it-" + i);
    }
    for (int n = 1; n <= findings; n++) {
      run(0, "record-feedback", "--request-id", "fb-" + n, "--feedback", finding(n));
    }
    return stored();
  }

  @Test
  void repairingACutStateJsonKeepsTheFeedbackHistoryByteForByte() {
    StateObject before = loop(1);
    modify(o -> withData(o, "state.json", cut(o.data().get("state.json"), 40)));
    FakeWiring.Run repair = cli.run("recover", "--task-id", TASK.value(), "--repair");
    assertEquals(0, repair.exitCode(), repair.err());
    assertTrue(repair.out().contains("\"repaired\":\"true\""), repair.out());
    assertArrayEquals(before.binaryData().get(KEY_HISTORY), stored().binaryData().get(KEY_HISTORY));
    FakeWiring.Run show = cli.run("show", "--task-id", TASK.value(), "--feedback");
    assertEquals(0, show.exitCode(), show.err());
    assertTrue(show.out().contains("\"total\" : 1"), show.out());
  }

  @Test
  void repairingOnlyTheIterationKeepsEveryOtherKeyAndNamesWhatChanged() {
    StateObject before = loop(2);
    modify(
        o ->
            withData(
                o,
                "state.json",
                o.data().get("state.json").replace("\"iteration\":3", "\"iteration\":2")));
    FakeWiring.Run repair = cli.run("recover", "--task-id", TASK.value(), "--repair");
    assertEquals(0, repair.exitCode(), repair.err());
    StateObject after = stored();
    assertArrayEquals(before.binaryData().get(KEY_HISTORY), after.binaryData().get(KEY_HISTORY));
    FakeWiring.Run show = cli.run("show", "--task-id", TASK.value(), "--feedback");
    assertTrue(show.out().contains("\"total\" : 2"), show.out());
    String journal = after.data().get("repair-journal.json");
    assertTrue(journal.contains("\"changed\":["), journal);
    assertTrue(journal.contains("data state.json (changed)"), journal);
    assertFalse(journal.contains("binaryData " + KEY_HISTORY), journal);
    assertTrue(repair.out().contains("\"changed\":["), repair.out());
    assertFalse(repair.out().contains("binaryData " + KEY_HISTORY), repair.out());
  }

  @Test
  void aDamagedHistoryIsReportedRestoredAndSetAside() {
    loop(3);
    byte[] damaged = stored().binaryData().get(KEY_HISTORY).clone();
    for (int i = 20; i < damaged.length - 8; i += 7) {
      damaged[i] ^= 0x5a;
    }
    modify(o -> withBinary(o, KEY_HISTORY, damaged));

    FakeWiring.Run next = cli.run("next-iteration", "--task-id", TASK.value());
    assertEquals(3, next.exitCode(), next.err());
    assertTrue(next.err().contains("recover --repair"), next.err());

    FakeWiring.Run check = cli.run("recover", "--task-id", TASK.value());
    assertEquals(3, check.exitCode(), check.out());
    assertTrue(check.out().contains("\"healthy\":\"false\""), check.out());
    assertTrue(check.out().contains("\"check\":\"history\""), check.out());

    FakeWiring.Run repair = cli.run("recover", "--task-id", TASK.value(), "--repair");
    assertEquals(0, repair.exitCode(), repair.err());
    StateObject after = stored();
    byte[] aside =
        after.binaryData().entrySet().stream()
            .filter(e -> e.getKey().startsWith("feedback.corrupt-"))
            .map(Map.Entry::getValue)
            .findFirst()
            .orElseThrow(() -> new AssertionError("the damaged bytes were not set aside"));
    assertArrayEquals(damaged, aside);
    FakeWiring.Run show = cli.run("show", "--task-id", TASK.value(), "--feedback");
    assertEquals(0, show.exitCode(), show.err());
    assertTrue(
        show.out().contains("\"total\" : 2") || show.out().contains("\"total\" : 3"),
        "the two findings of the history backup come back: " + show.out());
    assertEquals(0, cli.run("next-iteration", "--task-id", TASK.value()).exitCode());
    assertEquals(0, cli.run("recover", "--task-id", TASK.value()).exitCode());
  }

  @Test
  void aHistoryCutInItsTrailerKeepsEveryEntry() {
    loop(3);
    byte[] history = stored().binaryData().get(KEY_HISTORY);
    byte[] cut = Arrays.copyOf(history, history.length - 8);
    modify(o -> withBinary(o, KEY_HISTORY, cut));
    FakeWiring.Run repair = cli.run("recover", "--task-id", TASK.value(), "--repair");
    assertEquals(0, repair.exitCode(), repair.err());
    FakeWiring.Run show = cli.run("show", "--task-id", TASK.value(), "--feedback");
    assertTrue(show.out().contains("\"total\" : 3"), show.out());
  }

  @Test
  void anUnreadableBackupIsReportedAndReplaced() {
    loop(2);
    modify(o -> withBinary(o, "state.json.prev.gz", new byte[] {1, 2, 3}));
    FakeWiring.Run check = cli.run("recover", "--task-id", TASK.value());
    assertEquals(3, check.exitCode(), check.out());
    assertTrue(check.out().contains("\"check\":\"backup\""), check.out());
    FakeWiring.Run repair = cli.run("recover", "--task-id", TASK.value(), "--repair");
    assertEquals(0, repair.exitCode(), repair.err());
    assertEquals(0, cli.run("recover", "--task-id", TASK.value()).exitCode());
  }

  @Test
  void recoverReadsEveryArchivePageTheStateRefersTo() {
    loop(2);
    dev.remediationstate.state.RemediationState state = StateConfigMap.decode(stored(), TASK);
    java.util.List<dev.remediationstate.state.FeedbackEntry> live = state.feedback();
    dev.remediationstate.state.ArchivePage page =
        new dev.remediationstate.state.ArchivePage(1, live.subList(0, 1));
    dev.remediationstate.state.RemediationState archived =
        state.toBuilder()
            .feedback(live.subList(1, live.size()))
            .feedbackArchive(java.util.List.of(page.ref()))
            .build();
    memory.put(StateConfigMap.encode(archived, java.util.Optional.of(stored())));
    FakeWiring.Run missing = cli.run("recover", "--task-id", TASK.value(), "--repair");
    assertEquals(3, missing.exitCode(), missing.out());
    assertTrue(missing.out().contains("\"check\":\"archive\""), missing.out());
    assertTrue(missing.err().contains("archive page 1"), missing.err());
    memory.put(dev.remediationstate.store.ArchivePageConfigMap.encode(TASK, page, "1"));
    FakeWiring.Run present = cli.run("recover", "--task-id", TASK.value());
    assertEquals(0, present.exitCode(), present.out());
  }

  private static String cut(String text, int chars) {
    return text.substring(0, text.length() - chars);
  }

  private static StateObject withData(StateObject o, String key, String value) {
    Map<String, String> data = new LinkedHashMap<>(o.data());
    data.put(key, value);
    return new StateObject(o.name(), o.labels(), o.annotations(), data, o.binaryData(), null, null);
  }

  private static StateObject withBinary(StateObject o, String key, byte[] value) {
    Map<String, byte[]> binary = new LinkedHashMap<>(o.binaryData());
    binary.put(key, value);
    return new StateObject(o.name(), o.labels(), o.annotations(), o.data(), binary, null, null);
  }

  private void modify(UnaryOperator<StateObject> change) {
    memory.put(change.apply(stored()));
  }

  private StateObject stored() {
    return memory.read(TASK.configMapName()).orElseThrow();
  }

  private void run(int expected, String... args) {
    FakeWiring.Run run =
        cli.run(
            FakeWiring.command(args[0], TASK.value(), Arrays.copyOfRange(args, 1, args.length)));
    assertEquals(expected, run.exitCode(), run.err());
  }
}
