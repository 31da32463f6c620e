package dev.remediationstate.customrun;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The CustomRuns the controller sees: a cache kept by informers. {@link #start} lists and watches,
 * calling {@code changed} with the key ({@code namespace/name}) of every CustomRun for our kind
 * that is not done (and of every one that turns cancelled); {@link #synced} is true once every
 * informer has listed.
 */
public interface RunSource {
  void start(Consumer<String> changed);

  boolean synced();

  /** The cached object as JSON. */
  Optional<JsonNode> get(String key);

  /** Every cached key. */
  List<String> keys();

  void stop();
}
