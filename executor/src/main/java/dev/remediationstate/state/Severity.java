package dev.remediationstate.state;

/** How bad a QA finding is. */
public enum Severity implements WireValue {
  CRITICAL("critical"),
  HIGH("high"),
  MEDIUM("medium"),
  LOW("low");

  private final String value;

  Severity(String value) {
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
