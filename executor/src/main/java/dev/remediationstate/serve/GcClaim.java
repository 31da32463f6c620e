package dev.remediationstate.serve;

import java.time.Duration;
import java.time.Instant;

/**
 * Claims one gc run per period across every replica: true for exactly one caller per {@code
 * interval}, whoever leads, even across failovers.
 */
@FunctionalInterface
public interface GcClaim {
  boolean claim(Instant now, Duration interval);
}
