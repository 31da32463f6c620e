package dev.remediationstate.failure;

/**
 * Base of every expected failure. The subtype says what the caller should do next; {@link
 * #exitCode()} is the only place a failure becomes a process exit code.
 */
public abstract class RemediationException extends RuntimeException {
  protected RemediationException(String message, Throwable cause) {
    super(message, cause);
  }

  public abstract ExitCode exitCode();
}
