package dev.remediationstate.state;

/** Where a loop is. {@code completed}, {@code exhausted} and {@code stopped} are terminal. */
public enum Status implements WireValue {
  INITIALIZED(false),
  IN_PROGRESS(false),
  COMPLETED(true),
  EXHAUSTED(true),
  STOPPED(true);

  private final boolean terminal;

  Status(boolean terminal) {
    this.terminal = terminal;
  }

  public boolean terminal() {
    return terminal;
  }
}
