package dev.remediationstate.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryAfterCaptureTest {
  private static final ZonedDateTime NOW = ZonedDateTime.parse("2026-01-01T00:00:00Z");

  @Test
  void readsDelaySeconds() {
    assertEquals(Optional.of(Duration.ofSeconds(3)), RetryAfterCapture.parse(" 3 ", NOW));
  }

  @Test
  void readsAnHttpDate() {
    assertEquals(
        Optional.of(Duration.ofSeconds(90)),
        RetryAfterCapture.parse("Thu, 1 Jan 2026 00:01:30 GMT", NOW));
  }

  @Test
  void ignoresWhatItCannotRead() {
    assertEquals(Optional.empty(), RetryAfterCapture.parse("soon", NOW));
    assertEquals(Optional.empty(), RetryAfterCapture.parse("-1", NOW));
    assertEquals(Optional.empty(), RetryAfterCapture.parse("99999999999", NOW));
    assertEquals(Optional.empty(), RetryAfterCapture.parse(null, NOW));
  }
}
