package dev.remediationstate.history;

import dev.remediationstate.state.ArchivePage;
import dev.remediationstate.state.ArchivePageRef;
import dev.remediationstate.state.FeedbackEntry;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.StateJson;
import dev.remediationstate.store.FeedbackCodec;
import dev.remediationstate.store.StateConfigMap;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the live feedback history of a state within its budget after an append, without ever losing
 * a finding. Pure: it sees only the state and returns the fitted state plus the archive pages to
 * write before it.
 *
 * <p>The live history (the entries inside the main ConfigMap) must stay within two limits:
 *
 * <ul>
 *   <li>{@code liveLimit} bytes of uncompressed JSON, because every action decompresses and parses
 *       the whole live history in a fresh JVM (default {@value #DEFAULT_LIVE_LIMIT});
 *   <li>the API budget: compressed, it must fit in {@link StateConfigMap#BUDGET} next to the rest
 *       of {@code state.json} plus {@value #RESERVE} bytes kept free for the growth of the other
 *       fields (iterations, errors, the request window) until the next append.
 * </ul>
 *
 * <p>When the appended history is over either limit, in this order:
 *
 * <ol>
 *   <li>the newest entry alone is cut to {@value #MAX_ENTRY_BYTES} bytes if larger (marked {@code
 *       truncated}); otherwise it is never touched;
 *   <li>older entries are replaced by their summaries, oldest first, until the history fits;
 *   <li>only when every older entry is a summary, the oldest summaries move to archive pages: each
 *       page takes the oldest entries up to half the summarized history or {@value #PAGE_RAW_LIMIT}
 *       bytes, whichever is less, until the history fits.
 * </ol>
 *
 * <p>Pages depend only on the state the append started from (not on the new entry or the limit), so
 * every writer starting from the same state cuts identical pages: a retry or a racing writer adopts
 * a page instead of fighting over it.
 */
public final class HistoryBudget {
  public static final long DEFAULT_LIVE_LIMIT = 1024 * 1024;
  public static final long MIN_LIVE_LIMIT = 128 * 1024;
  public static final long MAX_LIVE_LIMIT = 4 * 1024 * 1024;
  public static final int MAX_ENTRY_BYTES = 64 * 1024;
  public static final int PAGE_RAW_LIMIT = 256 * 1024;
  public static final long RESERVE = 64 * 1024;

  /** Data values besides state.json: iteration, status, task id, last update. */
  private static final long HUMAN_READABLE_KEYS = 128;

  public static final HistoryBudget DEFAULT = new HistoryBudget(DEFAULT_LIVE_LIMIT);

  private final long liveLimit;

  public HistoryBudget(long liveLimit) {
    if (liveLimit < MIN_LIVE_LIMIT || liveLimit > MAX_LIVE_LIMIT) {
      throw new IllegalArgumentException(
          "the live history limit must be within " + MIN_LIVE_LIMIT + ".." + MAX_LIVE_LIMIT);
    }
    this.liveLimit = liveLimit;
  }

  public long liveLimit() {
    return liveLimit;
  }

  /** The fitted state, the pages to write first, and how many entries were shortened or moved. */
  public record Fitted(
      RemediationState state, List<ArchivePage> pages, int truncated, int archived) {}

  /** Fits a state whose newest entry (the last of its live history) was just appended. */
  public Fitted fit(RemediationState appended) {
    List<FeedbackEntry> live = new ArrayList<>(appended.feedback());
    int newest = live.size() - 1;
    int truncated = 0;
    FeedbackEntry cut = EntryTrim.truncate(live.get(newest), MAX_ENTRY_BYTES);
    if (cut != live.get(newest)) {
      live.set(newest, cut);
      truncated++;
    }
    Sizes sizes = new Sizes(live, compressedLimit(appended));
    // 1. Summaries, oldest first. The raw limit is checked by arithmetic; the compressed one by
    // compressing, as rarely as possible: each round shortens what the last ratio says is needed.
    int next = 0;
    while (next < newest && !sizes.fits()) {
      long excess = sizes.excess();
      long freed = 0;
      while (next < newest && freed < excess) {
        FeedbackEntry summary = EntryTrim.summarize(live.get(next));
        if (summary != live.get(next)) {
          freed += sizes.replace(next, summary);
          live.set(next, summary);
          truncated++;
        }
        next++;
      }
    }
    // 2. Archive pages cut from the fully summarized older history.
    List<ArchivePage> pages = new ArrayList<>();
    int pageNumber = appended.feedbackArchive().size() + 1;
    long share = Math.min(PAGE_RAW_LIMIT, sizes.rawBefore(newest) / 2);
    int archived = 0;
    while (!sizes.fits() && archived < newest) {
      List<FeedbackEntry> page = new ArrayList<>();
      long pageBytes = 0;
      while (archived < newest && (page.isEmpty() || pageBytes + sizes.raw(archived) <= share)) {
        pageBytes += sizes.raw(archived);
        page.add(live.get(archived));
        sizes.remove(archived);
        archived++;
      }
      pages.add(new ArchivePage(pageNumber++, page));
    }
    List<ArchivePageRef> index = new ArrayList<>(appended.feedbackArchive());
    pages.forEach(p -> index.add(p.ref()));
    RemediationState fitted =
        appended.withFeedbackHistory(live.subList(archived, live.size()), index);
    sizes.lastCompressed().ifPresent(bytes -> FeedbackCodec.remember(fitted.feedback(), bytes));
    return new Fitted(fitted, pages, truncated, archived);
  }

  /** What the compressed live history may take of the API budget. */
  static long compressedLimit(RemediationState state) {
    long rest =
        StateJson.write(state.withFeedbackHistory(List.of(), state.feedbackArchive()))
            .getBytes(StandardCharsets.UTF_8)
            .length;
    return StateConfigMap.BUDGET - RESERVE - HUMAN_READABLE_KEYS - rest;
  }

  /**
   * Sizes of the live entries: exact raw bytes per entry (the stored JSON array is the entries'
   * JSON joined by commas in brackets), compressed size measured on demand.
   */
  private final class Sizes {
    private final List<byte[]> json = new ArrayList<>();
    private final long compressedLimit;
    private int removed;
    private long raw;
    private long compressed = -1;
    private byte[] compressedBytes;

    Sizes(List<FeedbackEntry> live, long compressedLimit) {
      this.compressedLimit = compressedLimit;
      for (FeedbackEntry entry : live) {
        json.add(FeedbackCodec.json(List.of(entry)));
      }
      raw = 2;
      for (byte[] e : json) {
        raw += e.length - 2 + 1;
      }
      raw -= 1;
    }

    long raw(int index) {
      return json.get(index).length - 2 + 1;
    }

    long rawBefore(int index) {
      long sum = 0;
      for (int i = removed; i < index; i++) {
        sum += raw(i);
      }
      return sum;
    }

    long replace(int index, FeedbackEntry entry) {
      long before = raw(index);
      json.set(index, FeedbackCodec.json(List.of(entry)));
      compressed = -1;
      long freed = before - raw(index);
      raw -= freed;
      return freed;
    }

    void remove(int index) {
      raw -= raw(index);
      removed = index + 1;
      compressed = -1;
    }

    /** Raw bytes still to shed, judged by the raw limit and by the last compression ratio. */
    long excess() {
      long overRaw = raw - liveLimit;
      long overCompressed = 0;
      if (overRaw <= 0) {
        long c = compressed();
        overCompressed = (long) ((c - compressedLimit) * ((double) raw / Math.max(c, 1)) * 1.1);
      }
      return Math.max(1, Math.max(overRaw, overCompressed));
    }

    boolean fits() {
      return raw <= liveLimit && compressed() <= compressedLimit;
    }

    private long compressed() {
      if (compressed < 0) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream((int) raw);
        joined.write('[');
        for (int i = removed; i < json.size(); i++) {
          byte[] e = json.get(i);
          if (i > removed) {
            joined.write(',');
          }
          joined.write(e, 1, e.length - 2);
        }
        joined.write(']');
        compressedBytes = FeedbackCodec.compress(joined.toByteArray());
        compressed = compressedBytes.length;
      }
      return compressed;
    }

    /** The compressed history as last measured, if it is still the current one. */
    java.util.Optional<byte[]> lastCompressed() {
      return compressed < 0 ? java.util.Optional.empty() : java.util.Optional.of(compressedBytes);
    }
  }
}
