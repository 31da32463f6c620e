package dev.remediationstate.state;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One QA finding or verdict, as stored. {@code sourceRef} identifies it upstream (e.g. the review
 * comment id) and is the deduplication key; {@code fingerprint} identifies "the same finding"
 * across reviews for the gate's no-progress check.
 */
public record FeedbackEntry(
    String id,
    int iteration,
    Instant receivedAt,
    String author,
    String sourceRef,
    Verdict verdict,
    Severity severity,
    IssueType issueType,
    String description,
    List<String> criteriaNotMet,
    List<String> reproductionSteps,
    String expectedBehavior,
    String actualBehavior,
    String fingerprint,
    @JsonAnySetter Map<String, Object> unknown) {

  public FeedbackEntry {
    criteriaNotMet = criteriaNotMet == null ? List.of() : List.copyOf(criteriaNotMet);
    reproductionSteps = reproductionSteps == null ? List.of() : List.copyOf(reproductionSteps);
    unknown = Unknown.copy(unknown);
  }

  @Override
  @JsonAnyGetter
  public Map<String, Object> unknown() {
    return unknown;
  }
}
