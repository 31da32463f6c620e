package dev.remediationstate.state;

import java.util.List;

/**
 * One page of archived feedback, oldest entry first: the content of ConfigMap {@code
 * task-{id}-state-archive-{number}}. Pages are cut deterministically from the state they were
 * derived from, so two writers starting from the same state produce identical pages.
 */
public record ArchivePage(int number, List<FeedbackEntry> entries) {
  public ArchivePage {
    if (number < 1 || entries.isEmpty()) {
      throw new IllegalArgumentException("an archive page has a number >= 1 and entries");
    }
    entries = List.copyOf(entries);
  }

  public ArchivePageRef ref() {
    return new ArchivePageRef(
        number, entries.size(), entries.get(0).id(), entries.get(entries.size() - 1).id());
  }
}
