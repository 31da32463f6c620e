package dev.remediationstate.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.action.Outcome;
import dev.remediationstate.state.ArchivePage;
import dev.remediationstate.state.FeedbackEntry;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.store.FeedbackCodec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryBudgetTest {
  private static final HistoryBudget SMALL = new HistoryBudget(HistoryBudget.MIN_LIVE_LIMIT);
  private final List<String> corpus = FeedbackCorpus.fixture();

  @Test
  void historyWithinTheLimitIsStoredAsSubmitted() {
    RemediationState state = Histories.started(1);
    for (int i = 0; i < 20; i++) {
      Outcome outcome = Histories.record(state, corpus.get(i), SMALL);
      assertEquals("0", outcome.results().get("truncated"));
      assertEquals("0", outcome.results().get("archived"));
      state = outcome.next().orElseThrow();
    }
    assertTrue(state.feedback().stream().allMatch(e -> e.truncation() == null));
  }

  @Test
  void summarizesOldestFirstBeforeArchivingAndNeverTouchesTheNewest() {
    RemediationState state = Histories.started(25);
    boolean archivedOnce = false;
    for (int i = 0; i < 300; i++) {
      Outcome outcome = Histories.record(state, corpus.get(i), SMALL);
      RemediationState next = outcome.next().orElseThrow();
      FeedbackEntry newest = next.latestFeedback().orElseThrow();
      assertNull(newest.truncation(), "the newest entry is stored as submitted");
      assertTrue(FeedbackCodec.json(next.feedback()).length <= SMALL.liveLimit());
      if (!outcome.archivePages().isEmpty()) {
        // Archiving only happens once every older entry is a summary.
        List<FeedbackEntry> older = new ArrayList<>();
        outcome.archivePages().forEach(p -> older.addAll(p.entries()));
        older.addAll(next.feedback().subList(0, next.feedback().size() - 1));
        for (FeedbackEntry e : older) {
          assertTrue(e.summarized() || EntryTrim.summarize(e) == e, e.id() + " was not summarized");
        }
        archivedOnce = true;
      }
      assertSummariesAreOldest(next.feedback());
      state = next;
    }
    assertTrue(archivedOnce, "300 findings in 128 KiB must archive");
    assertEquals(300, state.archivedFeedbackCount() + state.feedback().size());
  }

  @Test
  void pagesDependOnlyOnTheStateTheAppendStartedFrom() {
    RemediationState state = Histories.started(25);
    Outcome outcome = null;
    int i = 0;
    while (outcome == null || outcome.archivePages().isEmpty()) {
      state = outcome == null ? state : outcome.next().orElseThrow();
      outcome = Histories.record(state, corpus.get(i++), SMALL);
    }
    Outcome other =
        Histories.record(state, corpus.get(i + 7), new HistoryBudget(SMALL.liveLimit() + 1024));
    List<ArchivePage> pages = outcome.archivePages();
    assertFalse(other.archivePages().isEmpty());
    assertEquals(pages.get(0), other.archivePages().get(0));
  }

  @Test
  void anOversizeEntryIsCutWithAVisibleMarkerAndItsSize() {
    StringBuilder huge = new StringBuilder();
    while (huge.length() < 15_000) {
      huge.append("The checkout page renders the wrong total for a discounted cart. ");
    }
    StringBuilder steps = new StringBuilder("[");
    for (int s = 0; s < 40; s++) {
      steps
          .append(s == 0 ? "" : ",")
          .append('"')
          .append("step ")
          .append(s)
          .append(' ')
          .append("x".repeat(1900))
          .append('"');
    }
    steps.append(']');
    String finding =
        "{\"severity\":\"high\",\"issueType\":\"bug\",\"description\":\""
            + huge
            + "\",\"reproductionSteps\":"
            + steps
            + "}";
    Outcome outcome = Histories.record(Histories.started(1), finding, HistoryBudget.DEFAULT);
    FeedbackEntry stored = outcome.next().orElseThrow().latestFeedback().orElseThrow();
    assertEquals(FeedbackEntry.Truncation.TRUNCATED, stored.truncation().kind());
    assertTrue(stored.truncation().originalBytes() > HistoryBudget.MAX_ENTRY_BYTES);
    assertTrue(EntryTrim.size(stored) <= HistoryBudget.MAX_ENTRY_BYTES);
    assertTrue(stored.reproductionSteps().stream().anyMatch(s -> s.endsWith(EntryTrim.CUT_MARK)));
    assertEquals("1", outcome.results().get("truncated"));
  }

  @Test
  void incompressibleHistoryIsKeptUnderTheApiBudget() {
    // Random text barely compresses, so the compressed limit binds before the raw limit.
    java.util.Random random = new java.util.Random(7);
    HistoryBudget budget = new HistoryBudget(HistoryBudget.MAX_LIVE_LIMIT);
    RemediationState state = Histories.started(1);
    for (int i = 0; i < 120; i++) {
      StringBuilder noise = new StringBuilder();
      for (int c = 0; c < 15_000; c++) {
        noise.append((char) ('!' + random.nextInt(90)));
      }
      String text = noise.toString().replace("\\", "/").replace("\"", "'");
      Outcome outcome =
          Histories.record(
              state,
              "{\"severity\":\"low\",\"issueType\":\"other\",\"description\":\"" + text + "\"}",
              budget);
      state = outcome.next().orElseThrow();
      long compressed = FeedbackCodec.encode(state.feedback()).length;
      assertTrue(compressed <= HistoryBudget.compressedLimit(state), "compressed " + compressed);
    }
    assertTrue(state.feedback().stream().anyMatch(FeedbackEntry::summarized));
  }

  private static void assertSummariesAreOldest(List<FeedbackEntry> live) {
    List<Boolean> marks = new ArrayList<>();
    live.forEach(e -> marks.add(e.summarized()));
    int lastSummary = marks.lastIndexOf(true);
    for (int i = 0; i < lastSummary; i++) {
      FeedbackEntry e = live.get(i);
      assertTrue(e.summarized() || EntryTrim.summarize(e) == e, "summaries must be the oldest");
    }
  }
}
