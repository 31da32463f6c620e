package dev.remediationstate.gc;

/** HTTP 410 Gone on a list: the continue token expired (after ~5 minutes); list again. */
public final class ListExpiredException extends RuntimeException {
  public ListExpiredException(String message, Throwable cause) {
    super(message, cause);
  }
}
