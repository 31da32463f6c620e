package dev.remediationstate.gc;

/** What gc does with one object, and why (the reason is logged). */
record Decision(Step step, String reason) {
  enum Step {
    /** Not expired (or not gc's to judge): left alone. */
    KEEP,
    /** Expired by age, but held back by a protection rule: left alone and reported. */
    PROTECT,
    /** Expired and unmarked: mark it (CAS update). */
    MARK,
    /** Marked; the grace period is still running. */
    WAIT,
    /** Marked and past the grace period, or a page of a state deleted in this run. */
    DELETE,
    /** Marked, but touched since or no longer expired: clear the mark. */
    CLEAR
  }

  static Decision of(Step step, String reason) {
    return new Decision(step, reason);
  }

  boolean expired() {
    return step == Step.MARK || step == Step.WAIT || step == Step.DELETE;
  }
}
