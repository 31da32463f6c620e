package dev.remediationstate.leader;

import dev.remediationstate.failure.InvalidInputException;
import java.time.Duration;

/**
 * Leader election on a {@code coordination.k8s.io} Lease, with client-go's timing rules: the lease
 * lasts {@code leaseDuration}; the leader must renew within {@code renewDeadline} (shorter), trying
 * every {@code retryPeriod} (shorter still). Defaults 15 s / 10 s / 2 s, as
 * kube-controller-manager.
 */
public record LeaseSettings(
    String namespace,
    String name,
    String identity,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod) {
  public LeaseSettings {
    if (identity == null || identity.isBlank()) {
      throw new InvalidInputException("identity", "is empty; set POD_NAME or --identity");
    }
    if (!(!(retryPeriod.isNegative() || retryPeriod.isZero())
        && retryPeriod.compareTo(renewDeadline) < 0
        && renewDeadline.compareTo(leaseDuration) < 0)) {
      throw new InvalidInputException(
          "lease-duration",
          "need 0 < retry-period < renew-deadline < lease-duration, got "
              + retryPeriod
              + ", "
              + renewDeadline
              + ", "
              + leaseDuration);
    }
  }
}
