package dev.remediationstate.workqueue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-key exponential backoff, like client-go's {@code ItemExponentialFailureRateLimiter}: the n-th
 * consecutive failure of a key waits {@code base * 2^(n-1)}, at most {@code max}; {@link #forget}
 * starts the key over after a success. Thread-safe; no clock (the queue does the waiting).
 */
public final class ItemBackoff<K> {
  private final Duration base;
  private final Duration max;
  private final Map<K, Integer> failures = new HashMap<>();

  public ItemBackoff(Duration base, Duration max) {
    if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
      throw new IllegalArgumentException("need 0 < base <= max, got " + base + " and " + max);
    }
    this.base = base;
    this.max = max;
  }

  /** Counts one more failure of {@code key} and returns how long it should wait. */
  public synchronized Duration next(K key) {
    int n = failures.merge(key, 1, Integer::sum);
    if (n > 62) {
      return max;
    }
    long nanos = base.toNanos();
    for (int i = 1; i < n && nanos < max.toNanos(); i++) {
      nanos *= 2;
    }
    return nanos >= max.toNanos() ? max : Duration.ofNanos(nanos);
  }

  /** Consecutive failures counted for {@code key}. */
  public synchronized int failures(K key) {
    return failures.getOrDefault(key, 0);
  }

  public synchronized void forget(K key) {
    failures.remove(key);
  }
}
