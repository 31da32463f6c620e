package dev.remediationstate.gc;

/** Sees every object a sweep handled, e.g. to feed metrics. */
@FunctionalInterface
public interface SweepObserver {
  /**
   * @param kind {@code state}, {@code archive-page} or {@code other}
   * @param status a state's stored status, else null
   * @param iteration a state's stored iteration, else -1
   * @param sizeBytes the object's size as the API server counts it
   */
  void observed(String kind, Outcome outcome, String status, int iteration, long sizeBytes);

  SweepObserver NONE = (kind, outcome, status, iteration, sizeBytes) -> {};
}
