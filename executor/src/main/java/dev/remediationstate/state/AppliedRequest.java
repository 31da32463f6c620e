package dev.remediationstate.state;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A mutating request that was applied, with the results it returned. Kept in a bounded window in
 * the state so a retried request (same key) returns the recorded results and changes nothing.
 */
public record AppliedRequest(
    String key,
    String action,
    Instant appliedAt,
    Map<String, String> results,
    @JsonAnySetter Map<String, Object> unknown) {

  public AppliedRequest {
    results =
        results == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(results));
    unknown = Unknown.copy(unknown);
  }

  public AppliedRequest(String key, String action, Instant appliedAt, Map<String, String> results) {
    this(key, action, appliedAt, results, Map.of());
  }

  @Override
  @JsonAnyGetter
  public Map<String, Object> unknown() {
    return unknown;
  }
}
