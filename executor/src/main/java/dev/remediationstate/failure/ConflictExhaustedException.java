package dev.remediationstate.failure;

/** Every attempt met a concurrent write (409). Nothing of this request was written: re-run it. */
public final class ConflictExhaustedException extends RemediationException {
  public ConflictExhaustedException(String message, Throwable lastConflict) {
    super(message, lastConflict);
  }

  @Override
  public ExitCode exitCode() {
    return ExitCode.CONFLICT_EXHAUSTED;
  }
}
