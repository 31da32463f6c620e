package dev.remediationstate.action;

import dev.remediationstate.failure.InvalidInputException;
import dev.remediationstate.feedback.FeedbackInput;
import dev.remediationstate.feedback.Fingerprint;
import dev.remediationstate.feedback.Redactor;
import dev.remediationstate.history.HistoryBudget;
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
 *
 * <p>Secrets in the finding are redacted before anything else sees it ({@link
 * FeedbackInput#redacted()}). After the append the {@link HistoryBudget} keeps the live history
 * within its limits, which may summarize older entries and cut archive pages; the results say how
 * many entries were {@code truncated}, {@code archived} and how many secrets were {@code redacted}.
 */
public final class RecordFeedbackAction implements Action {
  private final FeedbackInput input;
  private final int redacted;
  private final String defaultAuthor;
  private final HistoryBudget budget;

  public RecordFeedbackAction(FeedbackInput input, String defaultAuthor) {
    this(input, defaultAuthor, HistoryBudget.DEFAULT);
  }

  public RecordFeedbackAction(FeedbackInput input, String defaultAuthor, HistoryBudget budget) {
    FeedbackInput.Redacted clean = input.redacted();
    this.input = clean.input();
    Redactor.Redacted author = Redactor.redact(defaultAuthor);
    this.redacted = clean.count() + author.count();
    this.defaultAuthor = author.text();
    this.budget = budget;
  }

  @Override
  public String name() {
    return "record-feedback";
  }

  /**
   * The finding's {@code sourceRef}; without one, a hash of its content, so that several findings
   * recorded under one request id (a step's id derived from its pod) stay distinct requests.
   */
  @Override
  public String idempotencyScope() {
    if (input.sourceRef() != null) {
      return input.sourceRef();
    }
    return "content:"
        + Fingerprint.sha256(
                input.iteration()
                    + "\n"
                    + input.verdict()
                    + "\n"
                    + input.severity()
                    + "\n"
                    + input.issueType()
                    + "\n"
                    + input.fingerprint()
                    + "\n"
                    + input.author()
                    + "\n"
                    + input.description()
                    + "\n"
                    + input.criteriaNotMet()
                    + "\n"
                    + input.reproductionSteps()
                    + "\n"
                    + input.expectedBehavior()
                    + "\n"
                    + input.actualBehavior())
            .substring(0, 32);
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
      return Outcome.unchanged(results(existing.get(), false, state, 0, 0));
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
            null,
            Map.of());
    HistoryBudget.Fitted fitted = budget.fit(state.appendFeedback(entry, now));
    RemediationState next = fitted.state();
    FeedbackEntry stored = next.latestFeedback().orElseThrow();
    return Outcome.write(
        next,
        fitted.pages(),
        results(stored, true, next, fitted.truncated() + input.truncated(), fitted.archived()));
  }

  private String derivedSourceRef(int iteration, String fingerprint) {
    String content =
        iteration
            + "\n"
            + input.verdict()
            + "\n"
            + input.severity()
            + "\n"
            + fingerprint
            + "\n"
            + input.description()
            + "\n"
            + input.criteriaNotMet()
            + "\n"
            + input.reproductionSteps()
            + "\n"
            + input.expectedBehavior()
            + "\n"
            + input.actualBehavior();
    return "sha256:" + Fingerprint.sha256(content).substring(0, 32);
  }

  private Results results(
      FeedbackEntry entry, boolean recorded, RemediationState state, int truncated, int archived) {
    return Results.empty()
        .with("feedback-id", entry.id())
        .with("recorded", recorded)
        .with("feedback-count", state.feedback().size() + state.archivedFeedbackCount())
        .with("iteration", entry.iteration())
        .with("verdict", entry.verdict())
        .with("fingerprint", entry.fingerprint() == null ? "" : entry.fingerprint())
        .with("truncated", truncated)
        .with("archived", archived)
        .with("redacted", redacted);
  }
}
