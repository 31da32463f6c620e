package dev.remediationstate.failure;

/** A parameter, environment variable, file or stdin value is wrong. Nothing was written. */
public final class InvalidInputException extends RemediationException {
  private final String field;

  public InvalidInputException(String field, String problem) {
    super(field + ": " + problem, null);
    this.field = field;
  }

  public String field() {
    return field;
  }

  @Override
  public ExitCode exitCode() {
    return ExitCode.USAGE;
  }
}
