package dev.remediationstate.workqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ItemBackoffTest {
  private final ItemBackoff<String> backoff =
      new ItemBackoff<>(Duration.ofMillis(5), Duration.ofSeconds(1));

  @Test
  void delaysDoublePerFailureUpToTheMaximum() {
    assertEquals(Duration.ofMillis(5), backoff.next("a"));
    assertEquals(Duration.ofMillis(10), backoff.next("a"));
    assertEquals(Duration.ofMillis(20), backoff.next("a"));
    for (int i = 0; i < 100; i++) {
      backoff.next("a");
    }
    assertEquals(Duration.ofSeconds(1), backoff.next("a"));
  }

  @Test
  void keysAreCountedApart() {
    backoff.next("a");
    backoff.next("a");
    assertEquals(Duration.ofMillis(5), backoff.next("b"));
    assertEquals(2, backoff.failures("a"));
  }

  @Test
  void forgetStartsTheKeyOver() {
    backoff.next("a");
    backoff.next("a");
    backoff.forget("a");
    assertEquals(0, backoff.failures("a"));
    assertEquals(Duration.ofMillis(5), backoff.next("a"));
  }

  @Test
  void refusesAMaximumBelowTheBase() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new ItemBackoff<String>(Duration.ofSeconds(2), Duration.ofSeconds(1)));
  }
}
