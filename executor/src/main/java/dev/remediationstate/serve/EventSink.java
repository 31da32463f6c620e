package dev.remediationstate.serve;

/**
 * Records a Kubernetes Event about an object. Best effort: Events are a live signal (kept for the
 * API server's {@code --event-ttl}), never an audit log, and a failure to record one never fails
 * the work it reports.
 */
@FunctionalInterface
public interface EventSink {
  void record(Regarding regarding, String type, String reason, String message);

  /** The object an Event is about. */
  record Regarding(String apiVersion, String kind, String namespace, String name, String uid) {}

  EventSink NONE = (regarding, type, reason, message) -> {};
}
