package dev.remediationstate.failure;

/**
 * The action committed its change, then its result files could not be written (disk full, directory
 * gone or read-only). The results are recorded with the request id in the state, so a re-run with
 * the same request id changes nothing and writes the same results.
 */
public final class ResultsNotWrittenException extends RemediationException {
  public ResultsNotWrittenException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ExitCode exitCode() {
    return ExitCode.RESULTS_NOT_WRITTEN;
  }
}
