package dev.remediationstate.store;

import java.util.Optional;

/**
 * Reads and writes state objects by name in one namespace. Implementations map API failures to the
 * typed exceptions of {@code dev.remediationstate.failure} and signal a 409 with {@link
 * ConflictException}; they never retry a 409 themselves.
 */
public interface StateStore {
  Optional<StateObject> read(String name);

  /** POST. A 409 means the object already exists. */
  StateObject create(StateObject object) throws ConflictException;

  /** PUT carrying {@code expectedResourceVersion}; a 409 means somebody else wrote first. */
  StateObject update(StateObject object, String expectedResourceVersion) throws ConflictException;
}
