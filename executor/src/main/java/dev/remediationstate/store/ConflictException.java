package dev.remediationstate.store;

/** The API server answered 409: the object exists already (create) or changed since read. */
public final class ConflictException extends Exception {
  public ConflictException(String message, Throwable cause) {
    super(message, cause);
  }
}
