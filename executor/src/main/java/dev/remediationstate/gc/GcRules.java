package dev.remediationstate.gc;

import dev.remediationstate.gc.Decision.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The pure decisions of gc, documented in the README ("gc"):
 *
 * <ul>
 *   <li>A state <b>expires</b> when its last update is older than the TTL. Younger states are never
 *       written: an active loop (initialized or in-progress and touched within the TTL) is never
 *       touched.
 *   <li>An expired state is <b>protected</b> (reported, never written) when it is annotated {@value
 *       #ANNOTATION_PROTECT}{@code =true}, was written by a newer schema, or its {@code state.json}
 *       cannot be read (unless {@code --delete-unreadable}).
 *   <li>An expired, unprotected state is <b>marked</b>; once marked for the grace period it is
 *       <b>deleted</b>. A marked state touched after it was marked, or no longer expired, has its
 *       mark <b>cleared</b> (restored).
 *   <li>An archive page follows its state: it is deleted after its state is deleted in the same
 *       run; while the state exists it is kept; when the state is absent (an orphan) the page is
 *       marked and deleted after the grace period like a state.
 * </ul>
 */
final class GcRules {
  /** An annotation that keeps an object out of gc for good. */
  static final String ANNOTATION_PROTECT = "remediation-state.dev/gc-protect";

  private GcRules() {}

  static Decision forState(StateFacts facts, Instant now, GcPolicy policy) {
    if (facts.protectedByAnnotation()) {
      return Decision.of(Step.PROTECT, "annotated " + ANNOTATION_PROTECT + "=true");
    }
    Optional<Instant> lastUpdate = facts.lastUpdate();
    if (lastUpdate.isEmpty()) {
      return Decision.of(Step.PROTECT, "no last update, state or creation time to age it by");
    }
    Optional<GcMark> mark = GcMark.of(facts.object());
    boolean expired = Duration.between(lastUpdate.get(), now).compareTo(policy.ttl()) > 0;
    if (!expired) {
      return GcMark.present(facts.object())
          ? Decision.of(
              Step.CLEAR, "marked, but last updated " + lastUpdate.get() + ", within the TTL")
          : Decision.of(Step.KEEP, "last updated " + lastUpdate.get());
    }
    if (facts.newerSchema()) {
      return Decision.of(Step.PROTECT, "written by a newer schema; its own executor's gc owns it");
    }
    if (facts.problem().isPresent() && !policy.deleteUnreadable()) {
      return Decision.of(
          Step.PROTECT, facts.problem().get() + " (--delete-unreadable lets gc expire it)");
    }
    if (mark.isPresent() && lastUpdate.get().isAfter(mark.get().markedAt())) {
      return Decision.of(
          Step.CLEAR,
          "last updated " + lastUpdate.get() + ", after it was marked at " + mark.get().markedAt());
    }
    return markOrDelete(mark, now, "last updated " + lastUpdate.get());
  }

  /**
   * @param stateDeleted the page's state was deleted (or, in a dry run, would be) in this run
   * @param stateExists the page's state exists now
   */
  static Decision forPage(Listed page, boolean stateDeleted, boolean stateExists, Instant now) {
    if ("true".equals(page.object().annotations().get(ANNOTATION_PROTECT))) {
      return Decision.of(Step.PROTECT, "annotated " + ANNOTATION_PROTECT + "=true");
    }
    if (stateDeleted) {
      return Decision.of(Step.DELETE, "its state was deleted");
    }
    if (stateExists) {
      return GcMark.present(page.object())
          ? Decision.of(Step.CLEAR, "marked as an orphan, but its state exists")
          : Decision.of(Step.KEEP, "its state exists");
    }
    return markOrDelete(GcMark.of(page.object()), now, "orphan: its state does not exist");
  }

  private static Decision markOrDelete(Optional<GcMark> mark, Instant now, String why) {
    if (mark.isEmpty()) {
      return Decision.of(Step.MARK, why);
    }
    if (now.isBefore(mark.get().deleteAfter())) {
      return Decision.of(Step.WAIT, why + "; marked, to delete after " + mark.get().deleteAfter());
    }
    return Decision.of(Step.DELETE, why + "; grace ended at " + mark.get().deleteAfter());
  }
}
