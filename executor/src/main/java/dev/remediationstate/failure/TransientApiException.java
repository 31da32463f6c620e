package dev.remediationstate.failure;

import java.time.Duration;
import java.util.Optional;

/**
 * One request met a transient failure: 429, a 5xx, a timeout or a dropped connection. Safe to retry
 * after a pause; {@code dev.remediationstate.store.RetryingStateStore} does so within its own time
 * budget. When the request was a write, it may have committed even though no answer came back
 * ({@link #mayHaveCommitted()}): the retry must re-read before writing again.
 *
 * <p>Reaching the caller it means the transient budget ran out: exit code 6, re-run with the same
 * request id.
 */
public final class TransientApiException extends RemediationException {
  private final int httpCode;
  private final boolean mayHaveCommitted;
  private final Optional<Duration> retryAfter;

  /**
   * @param httpCode the HTTP status, or 0 when no answer came (timeout, reset)
   * @param retryAfter the server's {@code Retry-After}, when it sent one
   */
  public TransientApiException(
      String message,
      int httpCode,
      boolean mayHaveCommitted,
      Optional<Duration> retryAfter,
      Throwable cause) {
    super(message, cause);
    this.httpCode = httpCode;
    this.mayHaveCommitted = mayHaveCommitted;
    this.retryAfter = retryAfter;
  }

  public int httpCode() {
    return httpCode;
  }

  public boolean mayHaveCommitted() {
    return mayHaveCommitted;
  }

  public Optional<Duration> retryAfter() {
    return retryAfter;
  }

  @Override
  public ExitCode exitCode() {
    return ExitCode.OUTCOME_UNKNOWN;
  }
}
