package dev.remediationstate.contract;

import dev.remediationstate.cli.Wiring;
import dev.remediationstate.store.Sleeper;
import dev.remediationstate.store.StateStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/** The executor's edges for contract runs: one shared in-memory store, a fixed clock, no sleep. */
final class ContractWiring implements Wiring {
  private final StateStore store;
  private final Optional<Path> defaultResultsDir;

  ContractWiring(StateStore store, Optional<Path> defaultResultsDir) {
    this.store = store;
    this.defaultResultsDir = defaultResultsDir;
  }

  @Override
  public StateStore store(String namespaceFlag) {
    return store;
  }

  @Override
  public dev.remediationstate.gc.GcEdges gcEdges(String namespaceFlag) {
    throw new AssertionError("this test does not exercise gc");
  }

  @Override
  public Clock clock() {
    return Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
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
    return defaultResultsDir;
  }

  @Override
  public void close() {}
}
