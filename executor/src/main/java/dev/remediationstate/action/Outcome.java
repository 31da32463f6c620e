package dev.remediationstate.action;

import dev.remediationstate.results.Results;
import dev.remediationstate.state.ArchivePage;
import dev.remediationstate.state.RemediationState;
import java.util.List;
import java.util.Optional;

/**
 * What an action decided: the next state to write (empty: write nothing), the archive pages that
 * must be written before it (the next state refers to them), and its results.
 */
public record Outcome(
    Optional<RemediationState> next, List<ArchivePage> archivePages, Results results) {
  public Outcome {
    archivePages = List.copyOf(archivePages);
  }

  public static Outcome unchanged(Results results) {
    return new Outcome(Optional.empty(), List.of(), results);
  }

  public static Outcome write(RemediationState next, Results results) {
    return new Outcome(Optional.of(next), List.of(), results);
  }

  public static Outcome write(RemediationState next, List<ArchivePage> pages, Results results) {
    return new Outcome(Optional.of(next), pages, results);
  }
}
