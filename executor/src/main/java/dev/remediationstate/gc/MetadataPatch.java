package dev.remediationstate.gc;

import dev.remediationstate.store.ConflictException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Changes labels and annotations of one ConfigMap only if it is still at the resourceVersion that
 * was read (a CAS write: JSON merge patch carrying {@code metadata.resourceVersion}; the API server
 * answers 409 when the object changed). Data, owner references and every other field are left as
 * they are.
 */
@FunctionalInterface
public interface MetadataPatch {
  /** Keys to set; a null value removes the key. */
  record Change(Map<String, String> labels, Map<String, String> annotations) {
    public Change {
      labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
      annotations = Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
    }
  }

  /**
   * @throws ConflictException when the object changed since {@code resourceVersion} (409)
   */
  void patch(String name, String resourceVersion, Change change) throws ConflictException;
}
