package dev.remediationstate.recovery;

import dev.remediationstate.failure.InvalidStateException;
import dev.remediationstate.state.AppliedRequest;
import dev.remediationstate.state.FeedbackEntry;
import dev.remediationstate.state.IterationRecord;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.StateInvariants;
import dev.remediationstate.state.StateJson;
import dev.remediationstate.state.Status;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.state.Verdict;
import dev.remediationstate.state.WireValue;
import dev.remediationstate.store.FeedbackCodec;
import dev.remediationstate.store.StateBackup;
import dev.remediationstate.store.StateConfigMap;
import dev.remediationstate.store.StateObject;
import dev.remediationstate.store.StoredLayout;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Repairs a stored state deterministically (same input, same output), as a pure function.
 *
 * <p>The starting point is, in order: the stored {@code state.json} when it parses and holds this
 * task; else the {@link StateBackup} (the last good copy), brought up to the human-readable {@code
 * iteration} and {@code status} when those are ahead; else a state rebuilt from the human-readable
 * keys ({@code iteration}, {@code status}, {@code task_id}, {@code last_update}; the limit becomes
 * max({@value #REBUILT_LIMIT}, iteration)). The feedback always comes from the live history key
 * when it decodes, whatever the starting point; when it does not, it is restored from the history
 * backup and the complete entries still readable in the damaged bytes ({@link Recovery} sets the
 * bytes aside). Then, in order:
 *
 * <ol>
 *   <li>the history is renumbered 1..n, and padded with {@code recovered} records up to the
 *       iteration counter: an iteration number that was handed out is never handed out again;
 *   <li>timestamps are pulled forward so they never go back, {@code createdAt} back to the first
 *       event and {@code lastUpdate} forward to the last;
 *   <li>feedback on an iteration that never started moves to the nearest started one; missing or
 *       duplicate ids get fresh ones; a missing verdict becomes {@code changes-requested};
 *   <li>the limit is raised to the iteration when below it, and the status made consistent with the
 *       iteration and limit.
 * </ol>
 *
 * Every change is named in {@link Repaired#actions()}.
 */
public final class StateRepair {
  static final int REBUILT_LIMIT = 10;
  static final String RECOVERED = "recovered";

  /** The repaired state, where it started from, and what was changed. */
  public record Repaired(RemediationState state, String source, List<String> actions) {}

  private StateRepair() {}

  public static Repaired repair(
      StateObject object, TaskId taskId, Diagnosis diagnosis, Instant now) {
    if (diagnosis.newerSchema()) {
      throw new InvalidStateException(
          "configmap/"
              + object.name()
              + ": written by a newer schema; only a newer executor may"
              + " repair it: upgrade the image; nothing was written");
    }
    List<String> actions = new ArrayList<>();
    StoredLayout.Keys keys = diagnosis.keys();
    Optional<List<FeedbackEntry>> restored =
        diagnosis.historyDamaged()
            ? Optional.of(restoreHistory(keys, object, actions))
            : Optional.empty();
    Optional<List<FeedbackEntry>> history = keys.history().value().or(() -> restored);
    String source;
    RemediationState start;
    if (diagnosis.parsed().isPresent()) {
      source = "stored";
      start = diagnosis.parsed().get();
      if (restored.isPresent()) {
        start = start.withFeedback(union(start.feedback(), restored.get()));
      } else if (history.isPresent() && !start.feedback().equals(history.get())) {
        actions.add(
            "feedback held in both "
                + StateConfigMap.KEY_STATE
                + " and "
                + StateConfigMap.KEY_FEEDBACK
                + " merged into "
                + StateConfigMap.KEY_FEEDBACK);
        start = start.withFeedback(union(start.feedback(), history.get()));
      }
    } else {
      Optional<RemediationState> backup = backup(object, taskId);
      if (backup.isPresent()) {
        source = "backup";
        start = catchUp(backup.get(), object, actions);
        actions.add("rebuilt from the last good copy " + StateBackup.KEY);
      } else {
        source = "readable-keys";
        start = fromReadableKeys(object, taskId, now, history.isPresent(), actions);
      }
      if (history.isPresent()) {
        start = start.withFeedback(union(start.feedback(), history.get()));
        int newest = history.get().stream().mapToInt(FeedbackEntry::iteration).max().orElse(0);
        if (newest > start.iteration()) {
          actions.add("iteration " + start.iteration() + " -> " + newest + " from the history");
          start = start.toBuilder().iteration(newest).build();
        }
      }
    }
    if (restored.isPresent()) {
      int expected = start.feedbackSequence() - start.archivedFeedbackCount();
      if (restored.get().size() < expected) {
        actions.add(
            (expected - restored.get().size())
                + " history entries could not be restored; they stay in the set-aside bytes");
      } else if (!source.equals("stored")) {
        actions.add(
            "entries newer than the last good copy could not be restored (state.json was damaged"
                + " too, so how many there were is unknown); they stay in the set-aside bytes");
      }
      start = forgetLostFindings(start, actions);
    }
    RemediationState repaired = normalize(start, actions);
    List<String> left = StateInvariants.check(repaired);
    if (!left.isEmpty()) {
      throw new InvalidStateException(
          "configmap/"
              + object.name()
              + ": cannot repair: "
              + String.join("; ", left)
              + "; nothing was written");
    }
    return new Repaired(repaired, source, actions);
  }

  private static Optional<RemediationState> backup(StateObject object, TaskId taskId) {
    return StateBackup.read(object)
        .flatMap(
            json -> {
              try {
                RemediationState s = StateJson.read(json, "backup");
                return s.taskId().equals(taskId.value())
                        && s.schemaVersion() <= RemediationState.SCHEMA_VERSION
                    ? Optional.of(s)
                    : Optional.empty();
              } catch (InvalidStateException e) {
                return Optional.empty();
              }
            });
  }

  /** The readable keys are written with every state.json, so they may be one write ahead. */
  private static RemediationState catchUp(
      RemediationState backup, StateObject object, List<String> actions) {
    RemediationState s = backup;
    int iteration = readableIteration(object).orElse(s.iteration());
    if (iteration > s.iteration()) {
      actions.add("iteration " + s.iteration() + " -> " + iteration + " from the readable key");
      s =
          with(
              s,
              s.status(),
              iteration,
              s.maxIterations(),
              s.createdAt(),
              s.lastUpdate(),
              s.iterations(),
              s.feedbackSequence(),
              s.feedback());
    }
    Optional<Status> status = readableStatus(object);
    if (status.isPresent() && status.get() != s.status()) {
      actions.add("status " + s.status() + " -> " + status.get() + " from the readable key");
      s =
          with(
              s,
              status.get(),
              s.iteration(),
              s.maxIterations(),
              s.createdAt(),
              s.lastUpdate(),
              s.iterations(),
              s.feedbackSequence(),
              s.feedback());
    }
    Optional<Instant> lastUpdate = readableInstant(object);
    if (lastUpdate.isPresent() && lastUpdate.get().isAfter(s.lastUpdate())) {
      s =
          with(
              s,
              s.status(),
              s.iteration(),
              s.maxIterations(),
              s.createdAt(),
              lastUpdate.get(),
              s.iterations(),
              s.feedbackSequence(),
              s.feedback());
    }
    return s;
  }

  private static RemediationState fromReadableKeys(
      StateObject object, TaskId taskId, Instant now, boolean history, List<String> actions) {
    String storedTask = object.data().get(StateConfigMap.KEY_TASK_ID);
    if (storedTask != null && !storedTask.equals(taskId.value())) {
      throw new InvalidStateException(
          "configmap/"
              + object.name()
              + ": key "
              + StateConfigMap.KEY_TASK_ID
              + " holds '"
              + storedTask
              + "', expected '"
              + taskId
              + "': cannot rebuild; nothing was written");
    }
    int iteration = readableIteration(object).orElse(0);
    Instant at = readableInstant(object).orElse(now);
    RemediationState s =
        RemediationState.initial(taskId.value(), Math.max(REBUILT_LIMIT, iteration), Map.of(), at);
    s =
        with(
            s,
            readableStatus(object).orElse(s.status()),
            iteration,
            s.maxIterations(),
            at,
            at,
            List.of(),
            0,
            List.of());
    actions.add(
        "rebuilt from the readable keys: iteration "
            + iteration
            + ", status "
            + s.status()
            + ", limit "
            + s.maxIterations()
            + (history
                ? "; feedback kept from " + StateConfigMap.KEY_FEEDBACK
                : "; no readable feedback history"));
    return s;
  }

  /**
   * The entries of an undecodable live history that can be restored: the history backup (the
   * history one write earlier) and the complete entries still readable from the damaged bytes.
   */
  private static List<FeedbackEntry> restoreHistory(
      StoredLayout.Keys keys, StateObject object, List<String> actions) {
    List<FeedbackEntry> fromBackup = keys.historyBackup().value().orElse(List.of());
    List<FeedbackEntry> salvaged =
        FeedbackCodec.salvage(object.binaryData().get(StateConfigMap.KEY_FEEDBACK));
    List<FeedbackEntry> restored = union(fromBackup, salvaged);
    actions.add(
        StateConfigMap.KEY_FEEDBACK
            + " is undecodable: restored "
            + restored.size()
            + " entries ("
            + fromBackup.size()
            + " from "
            + StateBackup.HISTORY_KEY
            + ", "
            + (restored.size() - fromBackup.size())
            + " more read from the damaged bytes)");
    return restored;
  }

  /**
   * Drops the applied {@code record-feedback} requests whose finding is neither in the restored
   * history nor archived: a re-run of such a request then records its finding again instead of
   * replaying results that name an entry that is gone.
   */
  private static RemediationState forgetLostFindings(RemediationState s, List<String> actions) {
    Set<String> kept = new HashSet<>();
    s.feedback().forEach(f -> kept.add(f.id()));
    int archivedUpTo =
        s.feedbackArchive().stream().mapToInt(ref -> idNumber(ref.lastId())).max().orElse(0);
    List<AppliedRequest> requests = new ArrayList<>();
    int forgotten = 0;
    for (AppliedRequest r : s.requests()) {
      String id = r.results() == null ? null : r.results().get("feedback-id");
      boolean lost =
          "record-feedback".equals(r.action())
              && id != null
              && !kept.contains(id)
              && idNumber(id) > archivedUpTo;
      if (lost) {
        forgotten++;
      } else {
        requests.add(r);
      }
    }
    if (forgotten == 0) {
      return s;
    }
    actions.add(
        "forgot "
            + forgotten
            + " applied record-feedback request(s) whose finding was lost: re-running them"
            + " records the finding again");
    return s.toBuilder().requests(requests).build();
  }

  /** The entries of {@code first}, then those of {@code second} whose id is new, by id number. */
  private static List<FeedbackEntry> union(List<FeedbackEntry> first, List<FeedbackEntry> second) {
    Map<String, FeedbackEntry> byId = new LinkedHashMap<>();
    List<FeedbackEntry> withoutId = new ArrayList<>();
    for (List<FeedbackEntry> list : List.of(first, second)) {
      for (FeedbackEntry f : list) {
        if (f == null || f.id() == null) {
          withoutId.add(f);
        } else {
          byId.putIfAbsent(f.id(), f);
        }
      }
    }
    List<FeedbackEntry> out = new ArrayList<>(byId.values());
    out.sort(Comparator.comparingInt(f -> idNumber(f.id())));
    out.addAll(withoutId);
    return out;
  }

  private static RemediationState normalize(RemediationState s, List<String> actions) {
    int schema = s.schemaVersion() < 1 ? RemediationState.SCHEMA_VERSION : s.schemaVersion();
    if (schema != s.schemaVersion()) {
      actions.add("schemaVersion " + s.schemaVersion() + " -> " + schema);
    }
    Instant anchor = firstKnown(s);
    Instant createdAt = s.createdAt() == null ? anchor : s.createdAt();
    if (s.createdAt() == null) {
      actions.add("createdAt set to " + createdAt);
    }
    int iteration = Math.max(0, s.iteration());
    boolean feedbackWithoutIteration = s.feedback().stream().anyMatch(f -> f != null);
    if (iteration == 0 && feedbackWithoutIteration) {
      iteration = 1;
      actions.add("iteration 0 -> 1: feedback exists, so an iteration had started");
    }
    List<IterationRecord> history = new ArrayList<>();
    Instant last = createdAt;
    for (IterationRecord r : s.iterations()) {
      if (r == null) {
        actions.add("dropped an empty iteration record");
        continue;
      }
      int number = history.size() + 1;
      Instant started =
          r.startedAt() == null || r.startedAt().isBefore(last) ? last : r.startedAt();
      if (number != r.number() || !started.equals(r.startedAt())) {
        actions.add(
            "iterations[" + (number - 1) + "] -> number " + number + ", startedAt " + started);
      }
      history.add(new IterationRecord(number, started, r.requestId(), r.unknown()));
      last = started;
    }
    if (history.size() > iteration) {
      actions.add("iteration " + iteration + " -> " + history.size() + " from the history");
      iteration = history.size();
    }
    while (history.size() < iteration) {
      history.add(new IterationRecord(history.size() + 1, last, RECOVERED));
      actions.add("iterations[" + (history.size() - 1) + "] added as " + RECOVERED);
    }
    List<FeedbackEntry> feedback = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    int sequence = Math.max(s.feedbackSequence(), 0);
    for (FeedbackEntry f : s.feedback()) {
      if (f != null) {
        sequence = Math.max(sequence, idNumber(f.id()));
      }
    }
    for (int i = 0; i < s.feedback().size(); i++) {
      FeedbackEntry f = s.feedback().get(i);
      if (f == null) {
        actions.add("dropped the empty feedback[" + i + "]");
        continue;
      }
      String id = f.id();
      if (id == null || !ids.add(id)) {
        sequence++;
        id = String.format("fb-%04d", sequence);
        ids.add(id);
        actions.add("feedback[" + i + "].id " + f.id() + " -> " + id);
      }
      int fi = Math.min(Math.max(f.iteration(), 1), iteration);
      if (fi != f.iteration()) {
        actions.add("feedback[" + i + "].iteration " + f.iteration() + " -> " + fi);
      }
      Verdict verdict = f.verdict() == null ? Verdict.CHANGES_REQUESTED : f.verdict();
      if (f.verdict() == null) {
        actions.add("feedback[" + i + "].verdict set to " + verdict);
      }
      Instant received =
          f.receivedAt() == null || f.receivedAt().isBefore(last) ? last : f.receivedAt();
      if (!received.equals(f.receivedAt())) {
        actions.add("feedback[" + i + "].receivedAt -> " + received);
      }
      last = received;
      feedback.add(
          new FeedbackEntry(
              id,
              fi,
              received,
              f.author(),
              f.sourceRef(),
              verdict,
              f.severity(),
              f.issueType(),
              f.description(),
              f.criteriaNotMet(),
              f.reproductionSteps(),
              f.expectedBehavior(),
              f.actualBehavior(),
              f.fingerprint(),
              f.truncation(),
              f.unknown()));
    }
    if (sequence < feedback.size() + s.archivedFeedbackCount()) {
      sequence = feedback.size() + s.archivedFeedbackCount();
    }
    if (sequence != s.feedbackSequence()) {
      actions.add("feedbackSequence " + s.feedbackSequence() + " -> " + sequence);
    }
    Instant lastUpdate =
        s.lastUpdate() == null || s.lastUpdate().isBefore(last) ? last : s.lastUpdate();
    if (!lastUpdate.equals(s.lastUpdate())) {
      actions.add("lastUpdate -> " + lastUpdate);
    }
    int limit =
        Math.min(
            StateInvariants.MAX_ITERATIONS_STORED,
            Math.max(Math.max(1, iteration), s.maxIterations()));
    if (limit != s.maxIterations()) {
      actions.add("maxIterations " + s.maxIterations() + " -> " + limit);
    }
    Status status = consistentStatus(s.status(), iteration, limit);
    if (status != s.status()) {
      actions.add("status " + s.status() + " -> " + status);
    }
    return s.toBuilder()
        .schemaVersion(schema)
        .status(status)
        .statusReason(status == s.status() ? s.statusReason() : "repaired")
        .iteration(iteration)
        .maxIterations(limit)
        .createdAt(createdAt)
        .lastUpdate(lastUpdate)
        .iterations(history)
        .feedbackSequence(sequence)
        .feedback(feedback)
        .build();
  }

  private static Status consistentStatus(Status status, int iteration, int limit) {
    if (status == null) {
      return iteration == 0
          ? Status.INITIALIZED
          : iteration >= limit ? Status.EXHAUSTED : Status.IN_PROGRESS;
    }
    if (status == Status.INITIALIZED && iteration > 0) {
      return Status.IN_PROGRESS;
    }
    if (status == Status.IN_PROGRESS && iteration == 0) {
      return Status.INITIALIZED;
    }
    if (status == Status.EXHAUSTED && iteration < limit) {
      return iteration == 0 ? Status.INITIALIZED : Status.IN_PROGRESS;
    }
    return status;
  }

  private static Instant firstKnown(RemediationState s) {
    if (s.lastUpdate() != null) {
      Instant first = s.lastUpdate();
      for (IterationRecord r : s.iterations()) {
        if (r != null && r.startedAt() != null && r.startedAt().isBefore(first)) {
          first = r.startedAt();
        }
      }
      return first;
    }
    return s.iterations().stream()
        .filter(r -> r != null && r.startedAt() != null)
        .map(IterationRecord::startedAt)
        .min(Instant::compareTo)
        .orElse(Instant.EPOCH);
  }

  private static int idNumber(String id) {
    if (id == null || !id.matches("fb-\\d{1,9}")) {
      return 0;
    }
    return Integer.parseInt(id.substring(3));
  }

  private static Optional<Integer> readableIteration(StateObject object) {
    String v = object.data().get(StateConfigMap.KEY_ITERATION);
    if (v == null || !v.matches("\\d{1,5}")) {
      return Optional.empty();
    }
    return Optional.of(Integer.parseInt(v));
  }

  private static Optional<Status> readableStatus(StateObject object) {
    String v = object.data().get(StateConfigMap.KEY_STATUS);
    return v == null ? Optional.empty() : WireValue.parse(Status.class, v);
  }

  private static Optional<Instant> readableInstant(StateObject object) {
    String v = object.data().get(StateConfigMap.KEY_LAST_UPDATE);
    try {
      return v == null ? Optional.empty() : Optional.of(Instant.parse(v));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static RemediationState with(
      RemediationState s,
      Status status,
      int iteration,
      int maxIterations,
      Instant createdAt,
      Instant lastUpdate,
      List<IterationRecord> iterations,
      int feedbackSequence,
      List<FeedbackEntry> feedback) {
    return s.toBuilder()
        .status(status)
        .iteration(iteration)
        .maxIterations(maxIterations)
        .createdAt(createdAt)
        .lastUpdate(lastUpdate)
        .iterations(iterations)
        .feedbackSequence(feedbackSequence)
        .feedback(feedback)
        .build();
  }
}
