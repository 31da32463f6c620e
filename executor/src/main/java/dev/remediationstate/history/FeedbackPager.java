package dev.remediationstate.history;

import dev.remediationstate.failure.InvalidInputException;
import dev.remediationstate.failure.InvalidStateException;
import dev.remediationstate.state.ArchivePageRef;
import dev.remediationstate.state.FeedbackEntry;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.ArchivePageConfigMap;
import dev.remediationstate.store.StateObject;
import dev.remediationstate.store.StateStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads the whole feedback history a page at a time: the archive pages (oldest) followed by the
 * live history, as one sequence. Reads only the archive ConfigMaps a page overlaps, using the entry
 * counts in the state's archive index. Newest first unless asked otherwise.
 */
public final class FeedbackPager {
  public static final int MAX_PAGE_SIZE = 500;

  /** One page of the history. {@code nextPage} is 0 on the last page. */
  public record Page(
      int total,
      int page,
      int pageSize,
      int pages,
      int nextPage,
      boolean newestFirst,
      List<FeedbackEntry> entries) {}

  private final StateStore store;
  private final TaskId taskId;

  public FeedbackPager(StateStore store, TaskId taskId) {
    this.store = store;
    this.taskId = taskId;
  }

  public Page read(RemediationState state, int page, int pageSize, boolean newestFirst) {
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new InvalidInputException("page-size", "must be within 1.." + MAX_PAGE_SIZE);
    }
    int total = state.archivedFeedbackCount() + state.feedback().size();
    int pages = Math.max(1, (total + pageSize - 1) / pageSize);
    if (page < 1 || page > pages) {
      throw new InvalidInputException(
          "page", "must be within 1.." + pages + " (" + total + " entries)");
    }
    long skip = (long) (page - 1) * pageSize;
    int from = (int) (newestFirst ? Math.max(0, total - skip - pageSize) : skip);
    int to = (int) (newestFirst ? total - skip : Math.min(total, skip + pageSize));
    List<FeedbackEntry> entries = range(state, from, to);
    if (newestFirst) {
      Collections.reverse(entries);
    }
    return new Page(
        total, page, pageSize, pages, page < pages ? page + 1 : 0, newestFirst, entries);
  }

  /** Entries {@code from} (inclusive) to {@code to} (exclusive), oldest-first positions. */
  private List<FeedbackEntry> range(RemediationState state, int from, int to) {
    List<FeedbackEntry> out = new ArrayList<>();
    int offset = 0;
    for (ArchivePageRef ref : state.feedbackArchive()) {
      int end = offset + ref.entries();
      if (end > from && offset < to) {
        List<FeedbackEntry> page = load(ref);
        out.addAll(page.subList(Math.max(from, offset) - offset, Math.min(to, end) - offset));
      }
      offset = end;
    }
    List<FeedbackEntry> live = state.feedback();
    int lo = Math.max(from, offset) - offset;
    int hi = Math.min(to, offset + live.size()) - offset;
    if (lo < hi) {
      out.addAll(live.subList(lo, hi));
    }
    return out;
  }

  private List<FeedbackEntry> load(ArchivePageRef ref) {
    String name = ArchivePageConfigMap.name(taskId, ref.number());
    StateObject object =
        store
            .read(name)
            .orElseThrow(
                () ->
                    new InvalidStateException(
                        "configmap/" + name + " is referenced by the state but missing"));
    return ArchivePageConfigMap.decode(object, taskId, ref);
  }
}
