package dev.remediationstate.failure;

/**
 * The stored state is missing, unreadable, inconsistent or written by a newer schema. Nothing was
 * written: the stored object is left exactly as it was.
 */
public final class InvalidStateException extends RemediationException {
  public InvalidStateException(String message) {
    super(message, null);
  }

  public InvalidStateException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ExitCode exitCode() {
    return ExitCode.STATE_INVALID;
  }
}
