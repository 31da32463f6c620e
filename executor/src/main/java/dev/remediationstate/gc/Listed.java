package dev.remediationstate.gc;

import dev.remediationstate.store.StateObject;
import java.time.Instant;

/** One ConfigMap as a list page returned it, with its creation time (null when not given). */
public record Listed(StateObject object, Instant created) {}
