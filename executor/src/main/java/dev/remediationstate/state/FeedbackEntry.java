package dev.remediationstate.state;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One QA finding or verdict, as stored. {@code sourceRef} identifies it upstream (e.g. the review
 * comment id) and is the deduplication key; {@code fingerprint} identifies "the same finding"
 * across reviews for the gate's no-progress check. {@code truncation} is null for an entry stored
 * as submitted; otherwise it says how the entry was shortened to keep the history within its
 * budget.
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
    Truncation truncation,
    @JsonAnySetter Map<String, Object> unknown) {

  public FeedbackEntry {
    criteriaNotMet = criteriaNotMet == null ? List.of() : List.copyOf(criteriaNotMet);
    reproductionSteps = reproductionSteps == null ? List.of() : List.copyOf(reproductionSteps);
    unknown = Unknown.copy(unknown);
  }

  /** How an entry was shortened: {@code kind} is {@link #SUMMARIZED} or {@link #TRUNCATED}. */
  public record Truncation(String kind, long originalBytes) {
    /** An older entry reduced to its summary to make room for newer ones. */
    public static final String SUMMARIZED = "summarized";

    /** An entry larger than one entry may be, cut at intake with a visible marker. */
    public static final String TRUNCATED = "truncated";
  }

  public boolean summarized() {
    return truncation != null && Truncation.SUMMARIZED.equals(truncation.kind());
  }

  /**
   * This entry with its free text replaced, as the history budget shortens it: identity, verdict,
   * severity, type and fingerprint stay; {@code truncation} records what happened.
   */
  public FeedbackEntry withText(
      String newDescription,
      List<String> criteria,
      List<String> steps,
      String expected,
      String actual,
      Truncation how,
      Map<String, Object> kept) {
    return new FeedbackEntry(
        id,
        iteration,
        receivedAt,
        author,
        sourceRef,
        verdict,
        severity,
        issueType,
        newDescription,
        criteria,
        steps,
        expected,
        actual,
        fingerprint,
        how,
        kept);
  }

  @Override
  @JsonAnyGetter
  public Map<String, Object> unknown() {
    return unknown;
  }
}
