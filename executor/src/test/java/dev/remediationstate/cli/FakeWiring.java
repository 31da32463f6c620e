package dev.remediationstate.cli;

import dev.remediationstate.store.FakeStateStore;
import dev.remediationstate.store.Sleeper;
import dev.remediationstate.store.StateStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/** Wiring for CLI tests: a given store, a fixed clock, no sleeping, a given stdin. */
public final class FakeWiring implements Wiring {
  private final StateStore store;
  private final String stdin;
  String namespaceAsked;

  public FakeWiring(StateStore store, String stdin) {
    this.store = store;
    this.stdin = stdin;
  }

  public FakeWiring(FakeStateStore store) {
    this(store, "");
  }

  @Override
  public StateStore store(String namespaceFlag) {
    namespaceAsked = namespaceFlag;
    return store;
  }

  @Override
  public dev.remediationstate.gc.GcEdges gcEdges(String namespaceFlag) {
    throw new AssertionError("this test does not exercise gc");
  }

  @Override
  public Clock clock() {
    return Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
  }

  @Override
  public Sleeper sleeper() {
    return ms -> {};
  }

  @Override
  public InputStream stdin() {
    return new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public Optional<Path> defaultResultsDir() {
    return Optional.empty();
  }

  @Override
  public void close() {}
}
