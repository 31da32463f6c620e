package dev.remediationstate.serve;

import dev.remediationstate.results.Results;

/**
 * What {@link ActionService#run} gives back to an edge: the results, or a typed failure the edge
 * maps to its own wire form (CustomRun condition, HTTP reply).
 */
public sealed interface ActionReply {
  /** The action ran (or its recorded results were replayed). */
  record Done(String action, String taskId, Results results) implements ActionReply {}

  /**
   * The action did not run. {@code field} names the parameter or object at fault; {@code message}
   * is the one line a user reads.
   */
  record Failed(Failure kind, String field, String message) implements ActionReply {}

  /** What the edge should do next; one value per failure class of the CLI's exit codes. */
  enum Failure {
    /** A parameter is wrong: fail now, retrying cannot help. */
    INVALID_INPUT(false),
    /** The state is missing, invalid or newer: a retry may help (init may come later). */
    INVALID_STATE(false),
    /** Too many concurrent writers: nothing written, safe to run again. */
    CONFLICT(true),
    /** The API refused (RBAC, namespace): retrying the same request will not help soon. */
    API_REFUSED(false),
    /** The API was unavailable or the outcome is unknown: run again with the same request id. */
    UNAVAILABLE(true),
    /** A bug. */
    INTERNAL(false);

    private final boolean transientFailure;

    Failure(boolean transientFailure) {
      this.transientFailure = transientFailure;
    }

    /** True when the edge should requeue and run the same request again without giving up. */
    public boolean isTransient() {
      return transientFailure;
    }
  }
}
