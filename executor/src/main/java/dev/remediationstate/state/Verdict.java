package dev.remediationstate.state;

/** The reviewer's verdict carried by a feedback entry. */
public enum Verdict implements WireValue {
  CHANGES_REQUESTED,
  APPROVED
}
