package dev.remediationstate.history;

import dev.remediationstate.state.FeedbackEntry;
import dev.remediationstate.state.FeedbackEntry.Truncation;
import dev.remediationstate.store.FeedbackCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Shortens feedback entries, always visibly: a summary keeps the identity and classification of a
 * finding (id, iteration, time, author, source ref, verdict, severity, type, fingerprint) and the
 * head of its description; a truncated entry keeps every field, cut, each cut marked. Both record
 * the original size in {@link FeedbackEntry#truncation()}. Pure and deterministic.
 */
final class EntryTrim {
  /** Characters of the description a summary keeps. */
  static final int SUMMARY_HEAD = 240;

  static final String CUT_MARK = " …[truncated]";
  private static final int SMALLEST_CUT = 64;

  private EntryTrim() {}

  static int size(FeedbackEntry entry) {
    return FeedbackCodec.json(List.of(entry)).length - 2;
  }

  /** The summary of {@code entry}, or the entry itself when a summary would not be smaller. */
  static FeedbackEntry summarize(FeedbackEntry entry) {
    if (entry.summarized()) {
      return entry;
    }
    long original = entry.truncation() != null ? entry.truncation().originalBytes() : size(entry);
    String description = entry.description();
    String head =
        description == null
            ? null
            : head(description, SUMMARY_HEAD)
                + "\n[summarized: the entry was "
                + original
                + " bytes]";
    FeedbackEntry summary =
        entry.withText(
            head,
            List.of(),
            List.of(),
            null,
            null,
            new Truncation(Truncation.SUMMARIZED, original),
            Map.of());
    return size(summary) < size(entry) ? summary : entry;
  }

  /**
   * {@code entry} cut to at most {@code maxBytes} of JSON: the longest text is halved, marked,
   * until it fits. Entries within the limit are returned unchanged.
   */
  static FeedbackEntry truncate(FeedbackEntry entry, int maxBytes) {
    int original = size(entry);
    if (original <= maxBytes) {
      return entry;
    }
    String description = entry.description();
    String expected = entry.expectedBehavior();
    String actual = entry.actualBehavior();
    List<String> criteria = new ArrayList<>(entry.criteriaNotMet());
    List<String> steps = new ArrayList<>(entry.reproductionSteps());
    FeedbackEntry cut = entry;
    while (size(cut) > maxBytes) {
      int longest =
          Math.max(
              Math.max(length(description), Math.max(length(expected), length(actual))),
              Math.max(longest(criteria), longest(steps)));
      if (longest <= SMALLEST_CUT) {
        break; // every text is short: the entry is as small as cutting can make it
      }
      if (length(description) == longest) {
        description = halve(description);
      } else if (length(expected) == longest) {
        expected = halve(expected);
      } else if (length(actual) == longest) {
        actual = halve(actual);
      } else if (longest(criteria) == longest) {
        halveLongest(criteria);
      } else {
        halveLongest(steps);
      }
      cut =
          entry.withText(
              description,
              criteria,
              steps,
              expected,
              actual,
              new Truncation(Truncation.TRUNCATED, original),
              entry.unknown());
    }
    return cut;
  }

  private static int length(String s) {
    return s == null ? 0 : s.length();
  }

  private static int longest(List<String> items) {
    return items.stream().mapToInt(String::length).max().orElse(0);
  }

  private static void halveLongest(List<String> items) {
    int at = 0;
    for (int i = 1; i < items.size(); i++) {
      if (items.get(i).length() > items.get(at).length()) {
        at = i;
      }
    }
    items.set(at, halve(items.get(at)));
  }

  private static String halve(String text) {
    String body =
        text.endsWith(CUT_MARK) ? text.substring(0, text.length() - CUT_MARK.length()) : text;
    return head(body, body.length() / 2) + CUT_MARK;
  }

  /** The first {@code max} characters, never splitting a surrogate pair. */
  static String head(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
    return text.substring(0, end) + "…";
  }
}
