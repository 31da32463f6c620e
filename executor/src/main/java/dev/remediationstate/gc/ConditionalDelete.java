package dev.remediationstate.gc;

import dev.remediationstate.store.ConflictException;

/**
 * Deletes one ConfigMap only if it is still exactly the object that was read: DELETE with {@code
 * preconditions{uid, resourceVersion}}. The API server answers 409 when either differs, so an
 * object recreated under the same name or touched since it was read is never deleted.
 */
@FunctionalInterface
public interface ConditionalDelete {
  /**
   * @return false when the object was already gone (404)
   * @throws ConflictException when the uid or resourceVersion no longer match (409)
   */
  boolean delete(String name, String uid, String resourceVersion) throws ConflictException;
}
