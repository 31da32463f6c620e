package dev.remediationstate.failure;

/** The API server answered with a non-retryable refusal (400, 401, 403, 404 on write, 422). */
public final class ApiRefusedException extends RemediationException {
  private final int httpCode;

  public ApiRefusedException(int httpCode, String message, Throwable cause) {
    super(message, cause);
    this.httpCode = httpCode;
  }

  public int httpCode() {
    return httpCode;
  }

  @Override
  public ExitCode exitCode() {
    return ExitCode.API_REFUSED;
  }
}
