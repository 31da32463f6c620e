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
      throw new InvalidInputException("ttl", human(ttl) + " is shorter than 1m");
    }
    if (grace == null || grace.isNegative()) {
      throw new InvalidInputException("grace", human(grace) + " is negative");
    }
    if (pageSize < 1 || pageSize > 5000) {
      throw new InvalidInputException("page-size", pageSize + " is outside 1..5000");
    }
    if (progressEvery < 1) {
      throw new InvalidInputException("progress-every", progressEvery + " is below 1");
    }
  }

  /** A duration as the options spell it ({@code 90s}, {@code 2h30m}, {@code 500ms}), not ISO. */
  static String human(Duration d) {
    if (d == null) {
      return "no value";
    }
    if (d.isNegative()) {
      return "-" + human(d.negated());
    }
    StringBuilder out = new StringBuilder();
    long days = d.toDays();
    if (days > 0) {
      out.append(days).append('d');
    }
    if (d.toHoursPart() > 0) {
      out.append(d.toHoursPart()).append('h');
    }
    if (d.toMinutesPart() > 0) {
      out.append(d.toMinutesPart()).append('m');
    }
    if (d.toSecondsPart() > 0) {
      out.append(d.toSecondsPart()).append('s');
    }
    if (d.toMillisPart() > 0) {
      out.append(d.toMillisPart()).append("ms");
    }
    return out.length() == 0 ? "0s" : out.toString();
  }

  public static GcPolicy defaults() {
    return new GcPolicy(
        DEFAULT_TTL, DEFAULT_GRACE, false, false, DEFAULT_PAGE_SIZE, DEFAULT_PROGRESS_EVERY);
  }
}
