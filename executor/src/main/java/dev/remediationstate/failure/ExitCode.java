package dev.remediationstate.failure;

/**
 * The process exit codes: a public API, documented in the README. A gate decision is never an exit
 * code; {@code stop} is a result value with exit code 0.
 */
public enum ExitCode {
  OK(0, "success"),
  INTERNAL(1, "internal error: a bug; report it with --verbose output"),
  USAGE(2, "invalid input: fix the named parameter or field"),
  STATE_INVALID(3, "state missing, invalid or newer than this executor: run init or recover"),
  CONFLICT_EXHAUSTED(4, "too many concurrent writers: safe to re-run"),
  API_REFUSED(5, "the API server refused the request: check RBAC, namespace and the object"),
  OUTCOME_UNKNOWN(6, "API unavailable or write outcome unknown: re-run with the same --request-id"),
  PARTIAL_FAILURE(7, "some objects failed (gc): see the named objects and re-run"),
  RESULTS_NOT_WRITTEN(
      8,
      "the result files could not be written after the change was committed: re-run with the"
          + " same --request-id to write the same results");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  public int code() {
    return code;
  }

  public String meaning() {
    return meaning;
  }
}
