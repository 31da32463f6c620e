package dev.remediationstate.action;

import dev.remediationstate.failure.InvalidInputException;
import dev.remediationstate.feedback.FeedbackInput;
import dev.remediationstate.feedback.Fingerprint;
import dev.remediationstate.results.Results;
import dev.remediationstate.state.FeedbackEntry;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.Verdict;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Appends one validated QA finding to the feedback history of an iteration (the current one unless
 * the input names an earlier one). Deduplicated by source reference: an entry whose {@code
 * sourceRef} is already stored is reported with {@code recorded=false} and not appended again.
 * Without a {@code sourceRef} the reference is derived from the entry's content and iteration.
 */
public final class RecordFeedbackAction implements Action {
  private final FeedbackInput input;
  private final String defaultAuthor;

  public RecordFeedbackAction(FeedbackInput input, String defaultAuthor) {
    this.input = input;
    this.defaultAuthor = defaultAuthor;
  }

  @Override
  public String name() {
    return "record-feedback";
  }

  @Override
  public String idempotencyScope() {
    return input.sourceRef() == null ? "" : input.sourceRef();
  }

  @Override
  public Outcome apply(Optional<RemediationState> current, Instant now) {
    RemediationState state = StateRequired.of(current, name());
    if (state.iteration() == 0) {
      throw new InvalidInputException(
          "feedback.iteration", "no iteration has started yet: run next-iteration first");
    }
    int iteration = input.iteration() == null ? state.iteration() : input.iteration();
    if (iteration > state.iteration()) {
      throw new InvalidInputException(
          "feedback.iteration",
          iteration + " has not started; the current iteration is " + state.iteration());
    }
    String fingerprint =
        input.verdict() == Verdict.APPROVED
            ? null
            : input.fingerprint() != null
                ? input.fingerprint()
                : Fingerprint.of(input.issueType(), input.description(), input.criteriaNotMet());
    String sourceRef =
        input.sourceRef() != null ? input.sourceRef() : derivedSourceRef(iteration, fingerprint);
    Optional<FeedbackEntry> existing = state.feedbackBySourceRef(sourceRef);
    if (existing.isPresent()) {
      return Outcome.unchanged(results(existing.get(), false, state));
    }
    FeedbackEntry entry =
        new FeedbackEntry(
            state.nextFeedbackId(),
            iteration,
            now,
            input.author() != null ? input.author() : defaultAuthor,
            sourceRef,
            input.verdict(),
            input.severity(),
            input.issueType(),
            input.description(),
            input.criteriaNotMet(),
            input.reproductionSteps(),
            input.expectedBehavior(),
            input.actualBehavior(),
            fingerprint,
            Map.of());
    RemediationState next = state.appendFeedback(entry, now);
    return Outcome.write(next, results(entry, true, next));
  }

  private String derivedSourceRef(int iteration, String fingerprint) {
    String content =
        iteration + "\n" + input.verdict() + "\n" + input.severity() + "\n" + fingerprint + "\n"
            + input.description() + "\n" + input.criteriaNotMet() + "\n"
            + input.reproductionSteps() + "\n" + input.expectedBehavior() + "\n"
            + input.actualBehavior();
    return "sha256:" + Fingerprint.sha256(content).substring(0, 32);
  }

  private static Results results(FeedbackEntry entry, boolean recorded, RemediationState state) {
    return Results.empty()
        .with("feedback-id", entry.id())
        .with("recorded", recorded)
        .with("feedback-count", state.feedback().size())
        .with("iteration", entry.iteration())
        .with("verdict", entry.verdict())
        .with("fingerprint", entry.fingerprint() == null ? "" : entry.fingerprint());
  }
}
