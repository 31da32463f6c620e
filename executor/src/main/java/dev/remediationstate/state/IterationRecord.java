package dev.remediationstate.state;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.time.Instant;
import java.util.Map;

/** One started iteration: its number, when it started and the request that started it. */
public record IterationRecord(
    int number, Instant startedAt, String requestId, @JsonAnySetter Map<String, Object> unknown) {

  public IterationRecord {
    unknown = Unknown.copy(unknown);
  }

  public IterationRecord(int number, Instant startedAt, String requestId) {
    this(number, startedAt, requestId, Map.of());
  }

  @Override
  @JsonAnyGetter
  public Map<String, Object> unknown() {
    return unknown;
  }
}
