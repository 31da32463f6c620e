package dev.remediationstate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final RetryPolicy policy =
      new RetryPolicy(5, Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMillis(1000));

  @Test
  void delayDoublesFromTheInitialDelayWithJitterInTheUpperHalf() {
    assertEquals(50, policy.nextDelayMillis(1, 0, 0.0).getAsLong());
    assertEquals(99, policy.nextDelayMillis(1, 0, 0.999).getAsLong());
    assertEquals(100, policy.nextDelayMillis(2, 0, 0.0).getAsLong());
    assertEquals(200, policy.nextDelayMillis(3, 0, 0.0).getAsLong());
  }

  @Test
  void delayIsCappedAtTheMaximum() {
    RetryPolicy many =
        new RetryPolicy(100, Duration.ofHours(1), Duration.ofMillis(100), Duration.ofMillis(1000));
    assertEquals(500, many.nextDelayMillis(40, 0, 0.0).getAsLong());
    assertTrue(many.nextDelayMillis(40, 0, 0.999).getAsLong() <= 1000);
  }

  @Test
  void noNextDelayWhenAttemptsExhausted() {
    assertTrue(policy.nextDelayMillis(4, 0, 0.5).isPresent());
    assertTrue(policy.nextDelayMillis(5, 0, 0.5).isEmpty());
  }

  @Test
  void noNextDelayWhenItWouldOverrunTheTimeBudget() {
    assertTrue(policy.nextDelayMillis(1, 9_900, 0.0).isPresent());
    assertTrue(policy.nextDelayMillis(1, 9_990, 0.0).isEmpty());
  }

  @Test
  void rejectsNonsenseBudgets() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class,
        () -> new RetryPolicy(1, Duration.ZERO, Duration.ofMillis(10), Duration.ofMillis(1)));
  }
}
