package dev.remediationstate.recovery;

import dev.remediationstate.failure.InvalidStateException;
import dev.remediationstate.state.ArchivePageRef;
import dev.remediationstate.state.FeedbackEntry;
import dev.remediationstate.state.IterationRecord;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.StateInvariants;
import dev.remediationstate.state.Status;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.ArchivePageConfigMap;
import dev.remediationstate.store.StateConfigMap;
import dev.remediationstate.store.StateObject;
import dev.remediationstate.store.StoredLayout;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Validates a stored state ConfigMap, reading only: the JSON parses, the schema is known, the
 * iteration agrees with the history, the status with the iteration and limit, feedback references
 * started iterations, timestamps never go back, and the labels, annotation and human-readable keys
 * agree with {@code state.json}. Every key goes through {@link StoredLayout}: the live history, the
 * backups and the journal are decoded and checked too, and feedback is checked as merged from the
 * history key. Pure; never throws for a bad state.
 */
public final class StateCheck {
  private StateCheck() {}

  /**
   * As {@link #diagnose(StateObject, TaskId)}, and also reads every archive page the state refers
   * to through {@code pages} (by name): a missing or undecodable page, or one that holds other
   * entries than the state says, is an {@code archive} problem. Actions do not read pages, so it
   * blocks none of them; no other key holds an archived finding, so no repair can rebuild it.
   */
  public static Diagnosis diagnose(
      StateObject object, TaskId taskId, Function<String, Optional<StateObject>> pages) {
    Diagnosis diagnosis = diagnose(object, taskId);
    if (diagnosis.parsed().isEmpty() || diagnosis.newerSchema()) {
      return diagnosis;
    }
    List<Problem> problems = new ArrayList<>(diagnosis.problems());
    for (ArchivePageRef ref : diagnosis.parsed().get().feedbackArchive()) {
      if (ref == null) {
        continue;
      }
      String name = ArchivePageConfigMap.name(taskId, ref.number());
      Optional<StateObject> page = pages.apply(name);
      if (page.isEmpty()) {
        problems.add(
            new Problem(
                "archive",
                "archive page "
                    + ref.number()
                    + " (configmap/"
                    + name
                    + ") is missing: findings "
                    + ref.firstId()
                    + " to "
                    + ref.lastId()
                    + " cannot be read",
                false));
        continue;
      }
      try {
        ArchivePageConfigMap.decode(page.get(), taskId, ref);
      } catch (InvalidStateException e) {
        problems.add(new Problem("archive", e.getMessage(), false));
      }
    }
    return new Diagnosis(diagnosis.keys(), diagnosis.parsed(), problems);
  }

  public static Diagnosis diagnose(StateObject object, TaskId taskId) {
    StoredLayout.Keys keys = StoredLayout.read(object);
    List<Problem> problems = new ArrayList<>();
    if (keys.foreignCodec().isPresent()) {
      problems.add(
          new Problem(
              "schema",
              "feedback key "
                  + keys.foreignCodec().get()
                  + " uses a codec this executor cannot read: upgrade the image",
              true));
      return new Diagnosis(keys, Optional.empty(), problems);
    }
    Optional<RemediationState> parsed = parsedState(keys, taskId, problems);
    otherKeys(keys, problems);
    if (parsed.isEmpty() || problems.stream().anyMatch(p -> p.check().equals("schema"))) {
      return new Diagnosis(keys, parsed, problems);
    }
    RemediationState state = parsed.get();
    if (keys.history().value().isPresent()) {
      if (!state.feedback().isEmpty()) {
        problems.add(
            new Problem(
                "history",
                "feedback is held both in "
                    + StateConfigMap.KEY_STATE
                    + " and in "
                    + StateConfigMap.KEY_FEEDBACK,
                true));
      } else {
        state = state.withFeedback(keys.history().value().get());
      }
    }
    for (String invariant : StateInvariants.check(state)) {
      problems.add(new Problem(category(invariant), invariant, true));
    }
    statusDrift(state, problems);
    timestampDrift(state, problems);
    labelDrift(state, object, problems);
    return new Diagnosis(keys, Optional.of(state), problems);
  }

  private static Optional<RemediationState> parsedState(
      StoredLayout.Keys keys, TaskId taskId, List<Problem> problems) {
    StoredLayout.Slot<RemediationState> slot = keys.state();
    if (!slot.present()) {
      problems.add(new Problem("json", "there is no " + StateConfigMap.KEY_STATE + " key", true));
      return Optional.empty();
    }
    if (slot.isDamaged()) {
      problems.add(new Problem("json", slot.problem().get(), true));
      return Optional.empty();
    }
    RemediationState state = slot.value().get();
    if (state.schemaVersion() > RemediationState.SCHEMA_VERSION) {
      problems.add(
          new Problem(
              "schema",
              "written by schema "
                  + state.schemaVersion()
                  + "; this executor knows up to "
                  + RemediationState.SCHEMA_VERSION
                  + ": upgrade the image",
              true));
      return Optional.of(state);
    }
    if (!taskId.value().equals(state.taskId())) {
      problems.add(
          new Problem(
              "task-id",
              "state.json holds task '" + state.taskId() + "', expected '" + taskId + "'",
              true));
      return Optional.empty();
    }
    return Optional.of(state);
  }

  /**
   * The keys beside {@code state.json}: an undecodable live history blocks every action; an
   * undecodable backup or journal blocks nothing but is reported, so it is repaired before it is
   * needed.
   */
  private static void otherKeys(StoredLayout.Keys keys, List<Problem> problems) {
    keys.history()
        .problem()
        .ifPresent(p -> problems.add(new Problem("history", p + ": every action refuses", true)));
    keys.stateBackup().problem().ifPresent(p -> problems.add(new Problem("backup", p, false)));
    keys.historyBackup().problem().ifPresent(p -> problems.add(new Problem("backup", p, false)));
    keys.journal().problem().ifPresent(p -> problems.add(new Problem("journal", p, false)));
  }

  private static String category(String invariant) {
    if (invariant.startsWith("feedback")) {
      return "feedback";
    }
    if (invariant.contains("back in time") || invariant.startsWith("createdAt")) {
      return "timestamps";
    }
    if (invariant.startsWith("iteration")) {
      return "iteration";
    }
    if (invariant.startsWith("maxIterations") || invariant.startsWith("status")) {
      return "status";
    }
    return "invariant";
  }

  private static void statusDrift(RemediationState s, List<Problem> problems) {
    if (s.status() == null) {
      return;
    }
    if (s.status() == Status.INITIALIZED && s.iteration() > 0) {
      problems.add(
          new Problem("status", "status initialized but iteration is " + s.iteration(), false));
    }
    if (s.status() == Status.IN_PROGRESS && s.iteration() == 0) {
      problems.add(new Problem("status", "status in-progress but no iteration has started", false));
    }
    if (s.status() == Status.EXHAUSTED && !s.limitReached()) {
      problems.add(
          new Problem(
              "status",
              "status exhausted but iteration "
                  + s.iteration()
                  + " is below the limit "
                  + s.maxIterations(),
              false));
    }
    if (s.iteration() > s.maxIterations()) {
      problems.add(
          new Problem(
              "status",
              "iteration " + s.iteration() + " is above the limit " + s.maxIterations(),
              false));
    }
  }

  private static void timestampDrift(RemediationState s, List<Problem> problems) {
    if (s.createdAt() == null || s.lastUpdate() == null) {
      return;
    }
    if (s.lastUpdate().isBefore(s.createdAt())) {
      problems.add(new Problem("timestamps", "lastUpdate is before createdAt", false));
    }
    Instant latest = s.createdAt();
    for (IterationRecord r : s.iterations()) {
      if (r != null && r.startedAt() != null && r.startedAt().isAfter(latest)) {
        latest = r.startedAt();
      }
    }
    if (!s.iterations().isEmpty()
        && s.iterations().get(0) != null
        && s.iterations().get(0).startedAt() != null
        && s.iterations().get(0).startedAt().isBefore(s.createdAt())) {
      problems.add(new Problem("timestamps", "iterations[0].startedAt is before createdAt", false));
    }
    Instant previous = null;
    for (int i = 0; i < s.feedback().size(); i++) {
      FeedbackEntry f = s.feedback().get(i);
      if (f == null || f.receivedAt() == null) {
        continue;
      }
      if (previous != null && f.receivedAt().isBefore(previous)) {
        problems.add(
            new Problem("timestamps", "feedback[" + i + "].receivedAt goes back in time", false));
      }
      previous = f.receivedAt();
      if (f.receivedAt().isAfter(latest)) {
        latest = f.receivedAt();
      }
    }
    if (s.lastUpdate().isBefore(latest)) {
      problems.add(
          new Problem("timestamps", "lastUpdate is before the latest recorded event", false));
    }
  }

  private static void labelDrift(RemediationState s, StateObject o, List<Problem> problems) {
    if (s.status() == null || s.lastUpdate() == null) {
      return;
    }
    Map<String, String> expected =
        Map.of(
            "label " + StateConfigMap.LABEL_TASK_ID, s.taskId(),
            "label " + StateConfigMap.LABEL_STATUS, s.status().value(),
            "annotation " + StateConfigMap.ANNOTATION_SCHEMA, Integer.toString(s.schemaVersion()),
            "key " + StateConfigMap.KEY_ITERATION, Integer.toString(s.iteration()),
            "key " + StateConfigMap.KEY_STATUS, s.status().value(),
            "key " + StateConfigMap.KEY_TASK_ID, s.taskId(),
            "key " + StateConfigMap.KEY_LAST_UPDATE, s.lastUpdate().toString());
    expected.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              String actual = stored(o, e.getKey());
              if (!Objects.equals(actual, e.getValue())) {
                problems.add(
                    new Problem(
                        "labels",
                        e.getKey()
                            + " is '"
                            + actual
                            + "' but state.json says '"
                            + e.getValue()
                            + "'",
                        false));
              }
            });
  }

  private static String stored(StateObject o, String what) {
    int space = what.indexOf(' ');
    String kind = what.substring(0, space);
    String key = what.substring(space + 1);
    return switch (kind) {
      case "label" -> o.labels().get(key);
      case "annotation" -> o.annotations().get(key);
      default -> o.data().get(key);
    };
  }
}
