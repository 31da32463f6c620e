package dev.remediationstate.gc;

import dev.remediationstate.failure.InvalidInputException;
import java.time.Duration;

/**
 * How gc decides and how it pages. Validated on construction.
 *
 * @param ttl a state expires when its last update is older than this
 * @param grace time between marking an expired object and deleting it
 * @param dryRun decide and report, write nothing
 * @param deleteUnreadable also expire states whose {@code state.json} cannot be read (their age is
 *     the {@code last_update} key or the creation time); by default they are protected
 * @param pageSize items per list request ({@code limit})
 * @param progressEvery a progress line after every this many objects
 */
public record GcPolicy(
    Duration ttl,
    Duration grace,
    boolean dryRun,
    boolean deleteUnreadable,
    int pageSize,
    int progressEvery) {
  public static final Duration DEFAULT_TTL = Duration.ofDays(7);
  public static final Duration DEFAULT_GRACE = Duration.ofHours(24);
  public static final int DEFAULT_PAGE_SIZE = 100;
  public static final int DEFAULT_PROGRESS_EVERY = 1000;

  public GcPolicy {
    if (ttl == null || ttl.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new InvalidInputException("ttl", ttl + " is shorter than 1m");
    }
    if (grace == null || grace.isNegative()) {
      throw new InvalidInputException("grace", grace + " is negative");
    }
    if (pageSize < 1 || pageSize > 5000) {
      throw new InvalidInputException("page-size", pageSize + " is outside 1..5000");
    }
    if (progressEvery < 1) {
      throw new InvalidInputException("progress-every", progressEvery + " is below 1");
    }
  }

  public static GcPolicy defaults() {
    return new GcPolicy(
        DEFAULT_TTL, DEFAULT_GRACE, false, false, DEFAULT_PAGE_SIZE, DEFAULT_PROGRESS_EVERY);
  }
}
