package dev.remediationstate.state;

/** Where a loop is. {@code completed}, {@code exhausted} and {@code stopped} are terminal. */
public enum Status implements WireValue {
  INITIALIZED("initialized", false),
  IN_PROGRESS("in-progress", false),
  COMPLETED("completed", true),
  EXHAUSTED("exhausted", true),
  STOPPED("stopped", true);

  private final String value;
  private final boolean terminal;

  Status(String value, boolean terminal) {
    this.value = value;
    this.terminal = terminal;
  }

  @Override
  public String value() {
    return value;
  }

  public boolean terminal() {
    return terminal;
  }

  @Override
  public String toString() {
    return value;
  }
}
