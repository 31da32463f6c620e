package dev.remediationstate.state;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.time.Instant;
import java.util.Map;

/** An error or refusal worth keeping with the state, e.g. "iteration limit 10 reached". */
public record StateError(
    Instant at, String action, String message, @JsonAnySetter Map<String, Object> unknown) {

  public StateError {
    unknown = Unknown.copy(unknown);
  }

  public StateError(Instant at, String action, String message) {
    this(at, action, message, Map.of());
  }

  @Override
  @JsonAnyGetter
  public Map<String, Object> unknown() {
    return unknown;
  }
}
