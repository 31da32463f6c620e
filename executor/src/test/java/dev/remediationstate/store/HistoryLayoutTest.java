package dev.remediationstate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.action.ActionRunner;
import dev.remediationstate.action.RecordFeedbackAction;
import dev.remediationstate.failure.InvalidStateException;
import dev.remediationstate.feedback.FeedbackInput;
import dev.remediationstate.history.HistoryBudget;
import dev.remediationstate.state.ArchivePage;
import dev.remediationstate.state.FeedbackEntry;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.StateJson;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.state.Verdict;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HistoryLayoutTest {
  private static final TaskId TASK = new TaskId("layout");
  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

  private static RemediationState withOneFinding() {
    RemediationState state =
        RemediationState.initial("layout", 5, Map.of(), NOW).startIteration("r1", NOW);
    FeedbackEntry entry =
        new FeedbackEntry(
            "fb-0001",
            1,
            NOW,
            "qa",
            "ref-1",
            Verdict.APPROVED,
            null,
            null,
            "ok",
            List.of(),
            List.of(),
            null,
            null,
            null,
            null,
            Map.of());
    return state.appendFeedback(entry, NOW);
  }

  @Test
  void feedbackIsStoredCompressedInBinaryDataAndReadBack() {
    RemediationState state = withOneFinding();
    StateObject object = StateConfigMap.encode(state, Optional.empty());
    assertTrue(object.binaryData().containsKey("feedback.json.gz"));
    assertTrue(object.data().get("state.json").contains("\"feedback\":[]"));
    assertEquals(
        (byte) 0x1f, object.binaryData().get("feedback.json.gz")[0], "gzip magic marks the codec");
    RemediationState read = StateConfigMap.decode(object, TASK);
    assertEquals(state.feedback(), read.feedback());
    assertEquals(RemediationState.SCHEMA_VERSION, read.schemaVersion());
  }

  @Test
  void readsTheSchemaOneLayoutWithFeedbackInsideStateJson() {
    String json =
        StateJson.write(withOneFinding()).replace("\"schemaVersion\":2", "\"schemaVersion\":1");
    StateObject old =
        new StateObject(
            "task-layout-state",
            Map.of(),
            Map.of(),
            Map.of("state.json", json),
            Map.of(),
            "7",
            "u");
    RemediationState read = StateConfigMap.decode(old, TASK);
    assertEquals(1, read.feedback().size());
    StateObject rewritten = StateConfigMap.encode(read, Optional.of(old));
    assertEquals(read.feedback(), StateConfigMap.decode(rewritten, TASK).feedback());
    assertTrue(rewritten.data().get("state.json").contains("\"schemaVersion\":2"));
  }

  @Test
  void refusesAnUnknownCodecAndFeedbackInBothPlaces() {
    StateObject good = StateConfigMap.encode(withOneFinding(), Optional.empty());
    Map<String, byte[]> other = new HashMap<>();
    other.put("feedback.json.zst", new byte[] {1, 2, 3});
    StateObject zstd =
        new StateObject(
            good.name(), good.labels(), good.annotations(), good.data(), other, "1", "u");
    assertTrue(
        assertThrows(InvalidStateException.class, () -> StateConfigMap.decode(zstd, TASK))
            .getMessage()
            .contains("feedback.json.zst"));
    Map<String, String> data = new HashMap<>(good.data());
    data.put("state.json", StateJson.write(withOneFinding()));
    StateObject both =
        new StateObject(
            good.name(), good.labels(), good.annotations(), data, good.binaryData(), "1", "u");
    assertThrows(InvalidStateException.class, () -> StateConfigMap.decode(both, TASK));
  }

  @Test
  void refusesCorruptCompressedFeedback() {
    StateObject good = StateConfigMap.encode(withOneFinding(), Optional.empty());
    StateObject corrupt =
        new StateObject(
            good.name(),
            good.labels(),
            good.annotations(),
            good.data(),
            Map.of("feedback.json.gz", new byte[] {0x1f, (byte) 0x8b, 8, 0, 0}),
            "1",
            "u");
    assertThrows(InvalidStateException.class, () -> StateConfigMap.decode(corrupt, TASK));
  }

  @Test
  void archivePagesAreWrittenBeforeTheStateThatRefersToThem() {
    FakeStateStore store = new FakeStateStore();
    ActionRunner runner = runner(store);
    runner.run(TASK, new dev.remediationstate.action.InitAction(TASK, 10, Map.of()), "init");
    runner.run(TASK, new dev.remediationstate.action.NextIterationAction("it-1"), "it-1");
    List<String> corpus = dev.remediationstate.history.FeedbackCorpus.fixture();
    HistoryBudget small = new HistoryBudget(HistoryBudget.MIN_LIVE_LIMIT);
    for (int i = 0; i < 300; i++) {
      String finding =
          corpus.get(i).replaceAll("\"sourceRef\":\"[^\"]*\",?", "").replace(",}", "}");
      runner.run(
          TASK, new RecordFeedbackAction(FeedbackInput.parse(finding), "qa", small), "fb-" + i);
    }
    int pagesSeen = 0;
    for (StateObject write : store.stored()) {
      if (write.name().equals("task-layout-state")) {
        RemediationState state = StateConfigMap.decode(write, TASK);
        assertEquals(pagesSeen, state.feedbackArchive().size(), "a reference to an unwritten page");
        assertTrue(write.apiSize() <= StateConfigMap.BUDGET);
      } else {
        pagesSeen++;
        assertEquals("task-layout-state-archive-" + pagesSeen, write.name());
      }
    }
    assertTrue(pagesSeen > 0);
  }

  @Test
  void aPageAlreadyWrittenWithTheSameEntriesIsAdopted() throws Exception {
    FakeStateStore store = new FakeStateStore();
    RemediationState state = withOneFinding();
    StateObject main = store.create(StateConfigMap.encode(state, Optional.empty()));
    ArchivePage page = new ArchivePage(1, state.feedback());
    StateObject first =
        store.create(ArchivePageConfigMap.encode(TASK, page, main.resourceVersion()));
    new ArchivePageWriter(store)
        .write(
            ArchivePageConfigMap.encode(TASK, page, main.resourceVersion()),
            main.name(),
            Optional.of(main));
    assertEquals(first.resourceVersion(), store.read(first.name()).orElseThrow().resourceVersion());
  }

  @Test
  void anOrphanPageFromAnOlderStateIsOverwrittenButARacingPageIsAConflict() throws Exception {
    FakeStateStore store = new FakeStateStore();
    RemediationState state = withOneFinding();
    StateObject main = store.create(StateConfigMap.encode(state, Optional.empty()));
    FeedbackEntry other =
        new FeedbackEntry(
            "fb-0009",
            1,
            NOW,
            "qa",
            "ref-9",
            Verdict.APPROVED,
            null,
            null,
            "other",
            List.of(),
            List.of(),
            null,
            null,
            null,
            null,
            Map.of());
    store.create(ArchivePageConfigMap.encode(TASK, new ArchivePage(1, List.of(other)), "older"));
    StateObject ours =
        ArchivePageConfigMap.encode(
            TASK, new ArchivePage(1, state.feedback()), main.resourceVersion());
    new ArchivePageWriter(store).write(ours, main.name(), Optional.of(main));
    assertTrue(ArchivePageConfigMap.sameContent(ours, store.read(ours.name()).orElseThrow()));

    StateObject racing =
        ArchivePageConfigMap.encode(
            TASK, new ArchivePage(1, List.of(other)), main.resourceVersion());
    assertThrows(
        ConflictException.class,
        () -> new ArchivePageWriter(store).write(racing, main.name(), Optional.of(main)));
  }

  static ActionRunner runner(StateStore store) {
    Transaction transaction =
        new Transaction(store, RetryPolicy.CONFLICTS, millis -> {}, System::nanoTime, () -> 0.5);
    return new ActionRunner(transaction, Clock.fixed(NOW, ZoneOffset.UTC));
  }
}
