package dev.remediationstate.state;

/** What kind of problem a QA finding describes. */
public enum IssueType implements WireValue {
  BUG,
  MISSING_FEATURE,
  REGRESSION,
  PERFORMANCE,
  OTHER
}
