package dev.remediationstate.store;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * How often and how long to retry, after a conflict ({@link #CONFLICTS}) or a transient API failure
 * ({@link #TRANSIENT}): exponential backoff with "equal jitter" (half the delay fixed, half
 * random), bounded both by attempts and by total elapsed time. A value; it does no sleeping itself.
 */
public record RetryPolicy(
    int maxAttempts, Duration maxElapsed, Duration initialDelay, Duration maxDelay) {

  /** Generous enough for 16 writers racing on one object; a single loop rarely needs a retry. */
  public static final RetryPolicy CONFLICTS =
      new RetryPolicy(16, Duration.ofSeconds(30), Duration.ofMillis(10), Duration.ofSeconds(1));

  /**
   * For 429, 5xx, timeouts and resets: a slower start (the server is struggling) and a minute in
   * total, separate from the conflict budget.
   */
  public static final RetryPolicy TRANSIENT =
      new RetryPolicy(8, Duration.ofSeconds(60), Duration.ofMillis(200), Duration.ofSeconds(5));

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    if (maxElapsed.isNegative()
        || initialDelay.isNegative()
        || maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException(
          "delays must be non-negative and maxDelay >= initialDelay");
    }
  }

  /**
   * The delay before attempt {@code attemptsMade + 1}, or empty when the budget is spent.
   *
   * @param attemptsMade attempts already made (1 after the first failure)
   * @param elapsedMillis time since the first attempt started
   * @param random a uniform random number in [0, 1)
   */
  public OptionalLong nextDelayMillis(int attemptsMade, long elapsedMillis, double random) {
    if (attemptsMade >= maxAttempts) {
      return OptionalLong.empty();
    }
    long ceiling = initialDelay.toMillis() << Math.min(attemptsMade - 1, 20);
    long base = Math.min(Math.max(ceiling, 0), maxDelay.toMillis());
    long delay = base / 2 + (long) (random * (base - base / 2));
    if (elapsedMillis + delay > maxElapsed.toMillis()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(delay);
  }
}
