package dev.remediationstate.gc;

/** What happened to one object in a run (in a dry run: what would have happened). */
public enum Outcome {
  KEPT("kept"),
  PROTECTED("protected"),
  MARKED("marked"),
  WAITING("waiting"),
  DELETED("deleted"),
  RESTORED("restored"),
  /** Changed since it was listed (409): left for the next run. */
  CONFLICT("conflict"),
  /** Already gone when gc deleted it (404). */
  GONE("gone"),
  FAILED("failed");

  private final String value;

  Outcome(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }
}
