package dev.remediationstate.serve;

/**
 * One part of {@code serve}: the ops endpoints, the CustomRun controller, the gc schedule, (later)
 * the Argo plugin endpoint. {@link Serve} starts the components in the order given, reports ready
 * when all are ready, and stops them in reverse order.
 *
 * <p>To add a component: implement this interface, build it in {@code cli.ServeCommand} behind an
 * option, and add it to the list. A component turns its input into an action's input, calls {@link
 * ActionService}, and writes the result back; it holds no rule of the loop.
 */
public interface ServeComponent {
  /** A short, stable name for logs and metrics, e.g. {@code customrun-controller}. */
  String name();

  /** Starts the component; returns once it runs (it may not be ready yet). */
  void start() throws Exception;

  /** True when this replica can serve: caches synced, ports bound. Cheap; called by probes. */
  boolean ready();

  /** Stops the component and releases its threads; idempotent. */
  void stop();
}
