package dev.remediationstate.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The invariants every stored state must satisfy before an action may build on it. Each problem is
 * one short phrase naming the field. An empty list means the state is sound.
 */
public final class StateInvariants {
  /** Highest limit a stored state may carry; the CLI accepts 1..100 for new states. */
  public static final int MAX_ITERATIONS_STORED = 10_000;

  private StateInvariants() {}

  public static List<String> check(RemediationState s) {
    List<String> problems = new ArrayList<>();
    if (s.schemaVersion() < 1) {
      problems.add("schemaVersion " + s.schemaVersion() + " is not a schema version");
    }
    if (s.taskId() == null) {
      problems.add("taskId is missing");
    }
    if (s.status() == null) {
      problems.add("status is missing");
    }
    if (s.createdAt() == null || s.lastUpdate() == null) {
      problems.add("createdAt and lastUpdate are required");
    }
    if (s.maxIterations() < 1 || s.maxIterations() > MAX_ITERATIONS_STORED) {
      problems.add(
          "maxIterations " + s.maxIterations() + " is outside 1.." + MAX_ITERATIONS_STORED);
    }
    if (s.iteration() < 0) {
      problems.add("iteration " + s.iteration() + " is negative");
    }
    if (s.iterations().size() != s.iteration()) {
      problems.add(
          "iteration is "
              + s.iteration()
              + " but the history has "
              + s.iterations().size()
              + " iterations");
    }
    Instant previous = null;
    for (int i = 0; i < s.iterations().size(); i++) {
      IterationRecord record = s.iterations().get(i);
      if (record == null || record.number() != i + 1 || record.startedAt() == null) {
        problems.add("iterations[" + i + "] must be iteration " + (i + 1) + " with startedAt");
        break;
      }
      if (previous != null && record.startedAt().isBefore(previous)) {
        problems.add("iterations[" + i + "].startedAt goes back in time");
      }
      previous = record.startedAt();
    }
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < s.feedback().size(); i++) {
      FeedbackEntry entry = s.feedback().get(i);
      if (entry == null || entry.id() == null || entry.verdict() == null) {
        problems.add("feedback[" + i + "] needs an id and a verdict");
        continue;
      }
      if (!ids.add(entry.id())) {
        problems.add("feedback[" + i + "].id " + entry.id() + " is a duplicate");
      }
      if (entry.iteration() < 1 || entry.iteration() > s.iteration()) {
        problems.add(
            "feedback[" + i + "].iteration " + entry.iteration() + " is not a started iteration");
      }
    }
    for (int i = 0; i < s.feedbackArchive().size(); i++) {
      ArchivePageRef page = s.feedbackArchive().get(i);
      if (page == null || page.number() != i + 1 || page.entries() < 1) {
        problems.add("feedbackArchive[" + i + "] must be page " + (i + 1) + " with entries");
        break;
      }
    }
    for (int i = 0; i < s.requests().size(); i++) {
      AppliedRequest request = s.requests().get(i);
      if (request == null || request.key() == null || request.action() == null) {
        problems.add("requests[" + i + "] needs a key and an action");
      }
    }
    if (s.feedbackSequence() < s.feedback().size() + s.archivedFeedbackCount()) {
      problems.add("feedbackSequence is lower than the number of entries");
    }
    return problems;
  }
}
