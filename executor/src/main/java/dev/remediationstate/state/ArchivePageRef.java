package dev.remediationstate.state;

/**
 * The main state's reference to one archive page: page {@code number} (1, 2, ...) holds {@code
 * entries} feedback entries, {@code firstId} to {@code lastId}, oldest first. A page is written
 * before any state refers to it, and never changed afterwards.
 */
public record ArchivePageRef(int number, int entries, String firstId, String lastId) {}
