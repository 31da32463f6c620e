package dev.remediationstate.argoplugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TransientStreaksTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final TransientStreaks streaks =
      new TransientStreaks(Duration.ofMinutes(10), Duration.ofMinutes(5), now::get);

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void aStreakIsExhaustedOnceItHasLastedTheLimitThenStartsAfresh() {
    assertFalse(streaks.exhausted("a"));
    advance(Duration.ofMinutes(9));
    assertFalse(streaks.exhausted("a"));
    advance(Duration.ofMinutes(1));
    assertTrue(streaks.exhausted("a"));
    assertEquals(0, streaks.size());
    assertFalse(streaks.exhausted("a"), "a call after giving up starts a new streak");
  }

  @Test
  void anotherReplyEndsTheStreak() {
    assertFalse(streaks.exhausted("a"));
    advance(Duration.ofMinutes(9));
    streaks.end("a");
    advance(Duration.ofMinutes(2));
    assertFalse(streaks.exhausted("a"));
  }

  @Test
  void streaksAreCountedPerRequestId() {
    assertFalse(streaks.exhausted("a"));
    advance(Duration.ofMinutes(6));
    assertFalse(streaks.exhausted("b"));
    advance(Duration.ofMinutes(4));
    assertTrue(streaks.exhausted("a"));
    assertFalse(streaks.exhausted("b"));
  }

  @Test
  void streaksNobodyCallsAnyMoreAreDropped() {
    for (int i = 0; i < 100; i++) {
      streaks.exhausted("abandoned-" + i);
    }
    assertEquals(100, streaks.size());
    advance(Duration.ofMinutes(16));
    assertFalse(streaks.exhausted("new"));
    assertEquals(1, streaks.size());
  }
}
