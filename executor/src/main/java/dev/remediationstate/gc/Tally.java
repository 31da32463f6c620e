package dev.remediationstate.gc;

import dev.remediationstate.results.Results;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The counts of one run, reported as results: {@code scanned} (objects handled), {@code expired}
 * (past the TTL or orphaned: marked, waiting or deleted), {@code marked}, {@code deleted}, {@code
 * restored} (mark cleared), {@code protected}, {@code failed}; in a dry run the counts say what
 * would have been done. Failed names are kept up to {@value #NAMES_KEPT}.
 */
public final class Tally {
  static final int NAMES_KEPT = 1000;

  /** Characters of failed names the {@code failed-objects} result may take. */
  static final int FAILED_RESULT_CHARS = 1024;

  long scanned;
  long expired;
  long marked;
  long deleted;
  long restored;
  long protectedCount;
  long failed;
  long conflicts;
  private final List<String> failedNames = new ArrayList<>();

  void failed(String name) {
    failed++;
    if (failedNames.size() < NAMES_KEPT) {
      failedNames.add(name);
    }
  }

  public long scanned() {
    return scanned;
  }

  public long failed() {
    return failed;
  }

  public List<String> failedNames() {
    return Collections.unmodifiableList(failedNames);
  }

  /** The results, in their documented order. */
  public Results results(boolean dryRun) {
    return Results.empty()
        .with("scanned", scanned)
        .with("expired", expired)
        .with("marked", marked)
        .with("deleted", deleted)
        .with("restored", restored)
        .with("protected", protectedCount)
        .with("failed", failed)
        .with("failed-objects", failedObjects())
        .with("dry-run", dryRun);
  }

  /**
   * The largest results any run can have (every count at its maximum, the failed-objects list at
   * its cap): checked against the results limit before the sweep changes anything.
   */
  public static Results largest(boolean dryRun) {
    return Results.empty()
        .with("scanned", Long.MAX_VALUE)
        .with("expired", Long.MAX_VALUE)
        .with("marked", Long.MAX_VALUE)
        .with("deleted", Long.MAX_VALUE)
        .with("restored", Long.MAX_VALUE)
        .with("protected", Long.MAX_VALUE)
        .with("failed", Long.MAX_VALUE)
        .with("failed-objects", "x".repeat(FAILED_RESULT_CHARS))
        .with("dry-run", dryRun);
  }

  /** Comma-separated failed names, cut to fit the result budget with a count of those left out. */
  String failedObjects() {
    StringBuilder names = new StringBuilder();
    int listed = 0;
    for (String name : failedNames) {
      if (names.length() + name.length() + 1 > FAILED_RESULT_CHARS - 24) {
        break;
      }
      if (listed > 0) {
        names.append(',');
      }
      names.append(name);
      listed++;
    }
    if (listed < failed) {
      names.append(listed > 0 ? "," : "").append("+").append(failed - listed).append(" more");
    }
    return names.toString();
  }

  @Override
  public String toString() {
    return "scanned="
        + scanned
        + " expired="
        + expired
        + " marked="
        + marked
        + " deleted="
        + deleted
        + " restored="
        + restored
        + " protected="
        + protectedCount
        + " failed="
        + failed
        + " conflicts="
        + conflicts;
  }
}
