package dev.remediationstate.argoplugin;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * How long each request id has met nothing but transient failures, so that a step whose API stays
 * unavailable ends as {@code Failed} (and its {@code retryStrategy}, {@code onExit} and the
 * workflow's deadline apply) instead of being requeued for ever: a plugin node has no timeout of
 * its own.
 *
 * <p>A streak starts at the first transient failure of a request id and ends at its first other
 * reply. Streaks of request ids nobody calls any more (the agent stopped) are dropped once they are
 * older than the limit plus {@code keep}, so the map stays as small as the work in flight.
 */
final class TransientStreaks {
  private final Map<String, Long> started = new ConcurrentHashMap<>();
  private final Duration limit;
  private final Duration keep;
  private final LongSupplier nanos;

  TransientStreaks(Duration limit, Duration keep, LongSupplier nanos) {
    this.limit = limit;
    this.keep = keep;
    this.nanos = nanos;
  }

  /**
   * Records one more transient failure of {@code requestId}; true when its streak has lasted the
   * limit, and then the streak is over (a later call starts a new one).
   */
  boolean exhausted(String requestId) {
    long now = nanos.getAsLong();
    dropAbandoned(now);
    long first = started.computeIfAbsent(requestId, id -> now);
    if (now - first >= limit.toNanos()) {
      started.remove(requestId);
      return true;
    }
    return false;
  }

  /** Ends the streak of {@code requestId}: it succeeded or failed for good. */
  void end(String requestId) {
    started.remove(requestId);
  }

  Duration limit() {
    return limit;
  }

  int size() {
    return started.size();
  }

  private void dropAbandoned(long now) {
    long oldest = limit.plus(keep).toNanos();
    started.values().removeIf(first -> now - first > oldest);
  }
}
