package dev.remediationstate.state;

/** The reviewer's verdict carried by a feedback entry. */
public enum Verdict implements WireValue {
  CHANGES_REQUESTED("changes-requested"),
  APPROVED("approved");

  private final String value;

  Verdict(String value) {
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
