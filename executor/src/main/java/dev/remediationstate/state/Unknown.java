package dev.remediationstate.state;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fields a newer executor wrote that this one does not know. Every stored type keeps them in an
 * {@code unknown} map that Jackson fills on read ({@code @JsonAnySetter}) and writes back on
 * rewrite ({@code @JsonAnyGetter}), so a rewrite never silently drops them.
 */
final class Unknown {
  private Unknown() {}

  static Map<String, Object> copy(Map<String, Object> fields) {
    if (fields == null || fields.isEmpty()) {
      return Map.of();
    }
    return Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }
}
