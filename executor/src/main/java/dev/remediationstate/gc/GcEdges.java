package dev.remediationstate.gc;

import dev.remediationstate.store.StateStore;

/**
 * The API edges gc uses in one {@code namespace}: {@code store} to read a state by name, {@code
 * pages} to list, {@code patches} to mark and unmark with the resourceVersion that was listed
 * (CAS), {@code deletes} to delete with preconditions.
 */
public record GcEdges(
    String namespace,
    StateStore store,
    ConfigMapPages pages,
    MetadataPatch patches,
    ConditionalDelete deletes) {}
