package dev.remediationstate.state;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole state of one remediation loop: immutable; every change returns a new value. Stored as
 * {@code state.json} (schema {@value #SCHEMA_VERSION}) in the task's ConfigMap.
 *
 * <p>Fields this executor does not know (written by a newer minor change) are kept in {@link
 * #unknown()} and written back unchanged. A state whose {@code schemaVersion} is higher than
 * {@value #SCHEMA_VERSION} is never rewritten: the store refuses it before any action runs.
 */
@JsonPropertyOrder({
  "schemaVersion",
  "taskId",
  "status",
  "statusReason",
  "iteration",
  "maxIterations",
  "createdAt",
  "lastUpdate",
  "iterations",
  "feedbackSequence",
  "feedback",
  "feedbackArchive",
  "errors",
  "metadata",
  "requests"
})
public record RemediationState(
    int schemaVersion,
    String taskId,
    Status status,
    String statusReason,
    int iteration,
    int maxIterations,
    Instant createdAt,
    Instant lastUpdate,
    List<IterationRecord> iterations,
    int feedbackSequence,
    List<FeedbackEntry> feedback,
    List<ArchivePageRef> feedbackArchive,
    List<StateError> errors,
    Map<String, String> metadata,
    List<AppliedRequest> requests,
    @JsonAnySetter Map<String, Object> unknown) {

  /**
   * 2: the feedback history moved out of {@code state.json} into compressed {@code binaryData},
   * with archive pages. Schema 1 states are still read; an executor of schema 1 refuses to rewrite
   * a schema 2 state (it would not see the history).
   */
  public static final int SCHEMA_VERSION = 2;

  /** Errors kept, newest last. Older ones are dropped; they are diagnostics, not history. */
  public static final int ERROR_WINDOW = 20;

  /** Applied request keys remembered for idempotent replay. */
  public static final int REQUEST_WINDOW = 64;

  public RemediationState {
    iterations = iterations == null ? List.of() : List.copyOf(iterations);
    feedback = feedback == null ? List.of() : List.copyOf(feedback);
    feedbackArchive = feedbackArchive == null ? List.of() : List.copyOf(feedbackArchive);
    errors = errors == null ? List.of() : List.copyOf(errors);
    metadata =
        metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    requests = requests == null ? List.of() : List.copyOf(requests);
    unknown = Unknown.copy(unknown);
  }

  public static RemediationState initial(
      String taskId, int maxIterations, Map<String, String> metadata, Instant now) {
    return new RemediationState(
        SCHEMA_VERSION,
        taskId,
        Status.INITIALIZED,
        null,
        0,
        maxIterations,
        now,
        now,
        List.of(),
        0,
        List.of(),
        List.of(),
        List.of(),
        metadata,
        List.of(),
        Map.of());
  }

  @Override
  @JsonAnyGetter
  public Map<String, Object> unknown() {
    return unknown;
  }

  public boolean limitReached() {
    return iteration >= maxIterations;
  }

  public Optional<FeedbackEntry> latestFeedback() {
    return feedback.isEmpty() ? Optional.empty() : Optional.of(feedback.get(feedback.size() - 1));
  }

  public Optional<FeedbackEntry> feedbackBySourceRef(String sourceRef) {
    return feedback.stream().filter(f -> sourceRef.equals(f.sourceRef())).findFirst();
  }

  public Optional<IterationRecord> iterationByRequestId(String requestId) {
    return iterations.stream().filter(i -> requestId.equals(i.requestId())).findFirst();
  }

  public Optional<AppliedRequest> appliedRequest(String key) {
    return requests.stream().filter(r -> r.key().equals(key)).findFirst();
  }

  public RemediationState startIteration(String requestId, Instant now) {
    List<IterationRecord> next = new ArrayList<>(iterations);
    next.add(new IterationRecord(iteration + 1, now, requestId));
    return new RemediationState(
        schemaVersion,
        taskId,
        Status.IN_PROGRESS,
        null,
        iteration + 1,
        maxIterations,
        createdAt,
        now,
        next,
        feedbackSequence,
        feedback,
        feedbackArchive,
        errors,
        metadata,
        requests,
        unknown);
  }

  public RemediationState withStatus(Status newStatus, String reason, Instant now) {
    return new RemediationState(
        schemaVersion,
        taskId,
        newStatus,
        reason,
        iteration,
        maxIterations,
        createdAt,
        now,
        iterations,
        feedbackSequence,
        feedback,
        feedbackArchive,
        errors,
        metadata,
        requests,
        unknown);
  }

  /** Appends an entry whose id was taken from {@link #nextFeedbackId()}. */
  public RemediationState appendFeedback(FeedbackEntry entry, Instant now) {
    List<FeedbackEntry> next = new ArrayList<>(feedback);
    next.add(entry);
    return new RemediationState(
        schemaVersion,
        taskId,
        status,
        statusReason,
        iteration,
        maxIterations,
        createdAt,
        now,
        iterations,
        feedbackSequence + 1,
        next,
        feedbackArchive,
        errors,
        metadata,
        requests,
        unknown);
  }

  public String nextFeedbackId() {
    return String.format("fb-%04d", feedbackSequence + 1);
  }

  /** The same state, marked as written by this executor's schema. */
  public RemediationState atCurrentSchema() {
    if (schemaVersion == SCHEMA_VERSION) {
      return this;
    }
    return new RemediationState(
        SCHEMA_VERSION,
        taskId,
        status,
        statusReason,
        iteration,
        maxIterations,
        createdAt,
        lastUpdate,
        iterations,
        feedbackSequence,
        feedback,
        feedbackArchive,
        errors,
        metadata,
        requests,
        unknown);
  }

  /** Entries stored in archive pages, which {@link #feedback()} no longer holds. */
  public int archivedFeedbackCount() {
    return feedbackArchive.stream().mapToInt(ArchivePageRef::entries).sum();
  }

  /** The live history replaced and the archive index extended, by the history budget. */
  public RemediationState withFeedbackHistory(
      List<FeedbackEntry> live, List<ArchivePageRef> archive) {
    return new RemediationState(
        schemaVersion,
        taskId,
        status,
        statusReason,
        iteration,
        maxIterations,
        createdAt,
        lastUpdate,
        iterations,
        feedbackSequence,
        live,
        archive,
        errors,
        metadata,
        requests,
        unknown);
  }

  public RemediationState withFeedback(List<FeedbackEntry> newFeedback) {
    return new RemediationState(
        schemaVersion,
        taskId,
        status,
        statusReason,
        iteration,
        maxIterations,
        createdAt,
        lastUpdate,
        iterations,
        feedbackSequence,
        newFeedback,
        feedbackArchive,
        errors,
        metadata,
        requests,
        unknown);
  }

  public RemediationState appendError(StateError error) {
    return new RemediationState(
        schemaVersion,
        taskId,
        status,
        statusReason,
        iteration,
        maxIterations,
        createdAt,
        lastUpdate,
        iterations,
        feedbackSequence,
        feedback,
        feedbackArchive,
        appendBounded(errors, error, ERROR_WINDOW),
        metadata,
        requests,
        unknown);
  }

  public RemediationState recordRequest(AppliedRequest request) {
    return new RemediationState(
        schemaVersion,
        taskId,
        status,
        statusReason,
        iteration,
        maxIterations,
        createdAt,
        lastUpdate,
        iterations,
        feedbackSequence,
        feedback,
        feedbackArchive,
        errors,
        metadata,
        appendBounded(requests, request, REQUEST_WINDOW),
        unknown);
  }

  private static <T> List<T> appendBounded(List<T> list, T item, int bound) {
    List<T> next = new ArrayList<>(list);
    next.add(item);
    return next.size() <= bound ? next : next.subList(next.size() - bound, next.size());
  }
}
