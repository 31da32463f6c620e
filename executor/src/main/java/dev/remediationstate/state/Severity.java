package dev.remediationstate.state;

/** How bad a QA finding is. */
public enum Severity implements WireValue {
  CRITICAL,
  HIGH,
  MEDIUM,
  LOW
}
