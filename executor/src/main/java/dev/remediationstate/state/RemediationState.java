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
    return toBuilder()
        .status(Status.IN_PROGRESS)
        .statusReason(null)
        .iteration(iteration + 1)
        .lastUpdate(now)
        .iterations(next)
        .build();
  }

  public RemediationState withStatus(Status newStatus, String reason, Instant now) {
    return toBuilder().status(newStatus).statusReason(reason).lastUpdate(now).build();
  }

  /** Appends an entry whose id was taken from {@link #nextFeedbackId()}. */
  public RemediationState appendFeedback(FeedbackEntry entry, Instant now) {
    List<FeedbackEntry> next = new ArrayList<>(feedback);
    next.add(entry);
    return toBuilder()
        .lastUpdate(now)
        .feedbackSequence(feedbackSequence + 1)
        .feedback(next)
        .build();
  }

  public String nextFeedbackId() {
    return String.format("fb-%04d", feedbackSequence + 1);
  }

  /** The same state, marked as written by this executor's schema. */
  public RemediationState atCurrentSchema() {
    return schemaVersion == SCHEMA_VERSION
        ? this
        : toBuilder().schemaVersion(SCHEMA_VERSION).build();
  }

  /** Entries stored in archive pages, which {@link #feedback()} no longer holds. */
  public int archivedFeedbackCount() {
    return feedbackArchive.stream().mapToInt(ArchivePageRef::entries).sum();
  }

  /** The live history replaced and the archive index extended, by the history budget. */
  public RemediationState withFeedbackHistory(
      List<FeedbackEntry> live, List<ArchivePageRef> archive) {
    return toBuilder().feedback(live).feedbackArchive(archive).build();
  }

  public RemediationState withFeedback(List<FeedbackEntry> newFeedback) {
    return toBuilder().feedback(newFeedback).build();
  }

  public RemediationState appendError(StateError error) {
    return toBuilder().errors(appendBounded(errors, error, ERROR_WINDOW)).build();
  }

  public RemediationState recordRequest(AppliedRequest request) {
    return toBuilder().requests(appendBounded(requests, request, REQUEST_WINDOW)).build();
  }

  /** A copy of this state to change field by field; {@link Builder#build} checks as usual. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Field-by-field changes to a state: the one place a changed copy is constructed. */
  public static final class Builder {
    private int schemaVersion;
    private final String taskId;
    private Status status;
    private String statusReason;
    private int iteration;
    private int maxIterations;
    private Instant createdAt;
    private Instant lastUpdate;
    private List<IterationRecord> iterations;
    private int feedbackSequence;
    private List<FeedbackEntry> feedback;
    private List<ArchivePageRef> feedbackArchive;
    private List<StateError> errors;
    private final Map<String, String> metadata;
    private List<AppliedRequest> requests;
    private final Map<String, Object> unknown;

    private Builder(RemediationState s) {
      schemaVersion = s.schemaVersion;
      taskId = s.taskId;
      status = s.status;
      statusReason = s.statusReason;
      iteration = s.iteration;
      maxIterations = s.maxIterations;
      createdAt = s.createdAt;
      lastUpdate = s.lastUpdate;
      iterations = s.iterations;
      feedbackSequence = s.feedbackSequence;
      feedback = s.feedback;
      feedbackArchive = s.feedbackArchive;
      errors = s.errors;
      metadata = s.metadata;
      requests = s.requests;
      unknown = s.unknown;
    }

    public Builder schemaVersion(int value) {
      schemaVersion = value;
      return this;
    }

    public Builder status(Status value) {
      status = value;
      return this;
    }

    public Builder statusReason(String value) {
      statusReason = value;
      return this;
    }

    public Builder iteration(int value) {
      iteration = value;
      return this;
    }

    public Builder maxIterations(int value) {
      maxIterations = value;
      return this;
    }

    public Builder createdAt(Instant value) {
      createdAt = value;
      return this;
    }

    public Builder lastUpdate(Instant value) {
      lastUpdate = value;
      return this;
    }

    public Builder iterations(List<IterationRecord> value) {
      iterations = value;
      return this;
    }

    public Builder feedbackSequence(int value) {
      feedbackSequence = value;
      return this;
    }

    public Builder feedback(List<FeedbackEntry> value) {
      feedback = value;
      return this;
    }

    public Builder feedbackArchive(List<ArchivePageRef> value) {
      feedbackArchive = value;
      return this;
    }

    public Builder errors(List<StateError> value) {
      errors = value;
      return this;
    }

    public Builder requests(List<AppliedRequest> value) {
      requests = value;
      return this;
    }

    public RemediationState build() {
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
          requests,
          unknown);
    }
  }

  private static <T> List<T> appendBounded(List<T> list, T item, int bound) {
    List<T> next = new ArrayList<>(list);
    next.add(item);
    return next.size() <= bound ? next : next.subList(next.size() - bound, next.size());
  }
}
