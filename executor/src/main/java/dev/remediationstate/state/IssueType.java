package dev.remediationstate.state;

/** What kind of problem a QA finding describes. */
public enum IssueType implements WireValue {
  BUG("bug"),
  MISSING_FEATURE("missing-feature"),
  REGRESSION("regression"),
  PERFORMANCE("performance"),
  OTHER("other");

  private final String value;

  IssueType(String value) {
    this.value = value;
  }

  @Override
  public String value() {
    return value;
  }

  @Override
  public String toString() {
    return value;
  }
}
