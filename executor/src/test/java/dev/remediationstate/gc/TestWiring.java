package dev.remediationstate.gc;

import dev.remediationstate.cli.Wiring;
import dev.remediationstate.store.Sleeper;
import dev.remediationstate.store.StateStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/** A wiring for running the gc command in-process against given edges and clock. */
final class TestWiring implements Wiring {
  private final GcEdges edges;
  private final Clock clock;

  TestWiring(GcEdges edges, Clock clock) {
    this.edges = edges;
    this.clock = clock;
  }

  @Override
  public StateStore store(String namespaceFlag) {
    return edges.store();
  }

  @Override
  public GcEdges gcEdges(String namespaceFlag) {
    return edges;
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public Sleeper sleeper() {
    return millis -> {};
  }

  @Override
  public InputStream stdin() {
    return new ByteArrayInputStream(new byte[0]);
  }

  @Override
  public Optional<Path> defaultResultsDir() {
    return Optional.empty();
  }

  @Override
  public void close() {}
}
