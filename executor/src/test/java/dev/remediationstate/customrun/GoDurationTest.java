package dev.remediationstate.customrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {
  @Test
  void readsWhatKubernetesWrites() {
    assertEquals(Duration.ofHours(1), GoDuration.parse("1h0m0s"));
    assertEquals(Duration.ofSeconds(90), GoDuration.parse("1m30s"));
    assertEquals(Duration.ofMinutes(90), GoDuration.parse("1.5h"));
    assertEquals(Duration.ofMillis(250), GoDuration.parse("250ms"));
    assertEquals(Duration.ofNanos(1500), GoDuration.parse("1.5us"));
    assertEquals(Duration.ofNanos(1500), GoDuration.parse("1.5µs"));
    assertEquals(Duration.ZERO, GoDuration.parse("0s"));
    assertEquals(Duration.ZERO, GoDuration.parse("0"));
  }

  @Test
  void refusesWhatIsNotADuration() {
    for (String bad : new String[] {"", "1", "-1s", "1d", "s", "1h 2m", "1hh", "5m!"}) {
      assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(bad), bad);
    }
  }
}
