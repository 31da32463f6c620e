package dev.remediationstate.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link ServeComponent}s of one process until it is asked to stop: starts them in order,
 * stops them in reverse order, and tells why it stopped. A component that must end the process (the
 * leader lease was lost) calls {@link #stop(Stop)}; so does the JVM shutdown hook (SIGTERM).
 */
public final class Serve {
  private static final Logger LOG = LoggerFactory.getLogger(Serve.class);

  /** Why the process stops. {@code exitCode} is what {@code main} exits with. */
  public record Stop(String reason, int exitCode) {}

  private final List<ServeComponent> components;
  private final List<ServeComponent> started = new ArrayList<>();
  private final CompletableFuture<Stop> stopped = new CompletableFuture<>();

  public Serve(List<ServeComponent> components) {
    this.components = List.copyOf(components);
  }

  public List<ServeComponent> components() {
    return components;
  }

  /** True when every component is ready. */
  public boolean ready() {
    return !stopped.isDone() && components.stream().allMatch(ServeComponent::ready);
  }

  public boolean stopping() {
    return stopped.isDone();
  }

  /** Asks the process to stop; the first reason wins. */
  public void stop(Stop why) {
    if (stopped.complete(why)) {
      LOG.info("stopping: {}", why.reason());
    }
  }

  /**
   * Starts every component, waits until {@link #stop} is called, stops the started components in
   * reverse order, and returns the reason. A component that fails to start stops the others.
   */
  public Stop run() throws InterruptedException {
    try {
      for (ServeComponent component : components) {
        if (stopped.isDone()) {
          break;
        }
        LOG.info("starting {}", component.name());
        component.start();
        synchronized (started) {
          started.add(component);
        }
      }
      return stopped.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("the stop future never fails", e);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      LOG.error("a component failed to start: {}", e.toString(), e);
      stop(new Stop("start failed: " + e, 1));
      return stopped.join();
    } finally {
      stopStarted();
    }
  }

  private void stopStarted() {
    List<ServeComponent> reverse;
    synchronized (started) {
      reverse = new ArrayList<>(started);
      started.clear();
    }
    for (int i = reverse.size() - 1; i >= 0; i--) {
      ServeComponent component = reverse.get(i);
      try {
        component.stop();
      } catch (RuntimeException e) {
        LOG.warn("{} did not stop cleanly: {}", component.name(), e.toString());
      }
    }
  }
}
