package dev.remediationstate.failure;

/**
 * The API server could not be reached or kept failing (429, 5xx, timeouts). When this happens
 * during a write the write may or may not have committed; re-running with the same request id is
 * safe because applied request ids are recorded in the state.
 */
public final class OutcomeUnknownException extends RemediationException {
  public OutcomeUnknownException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ExitCode exitCode() {
    return ExitCode.OUTCOME_UNKNOWN;
  }
}
