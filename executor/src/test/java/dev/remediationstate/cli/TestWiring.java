package dev.remediationstate.cli;

import dev.remediationstate.store.Sleeper;
import dev.remediationstate.store.StateStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hand-written edges for running the real command line in-process: a given store, a clock that
 * advances one second per reading, a sleeper that only adds up the time it was asked to wait.
 */
public final class TestWiring implements Wiring {
  private final StateStore store;
  private final AtomicLong seconds = new AtomicLong();
  private final AtomicLong slept = new AtomicLong();
  private final String stdin;

  public TestWiring(StateStore store) {
    this(store, "");
  }

  public TestWiring(StateStore store, String stdin) {
    this.store = store;
    this.stdin = stdin;
  }

  /** One command's exit code and what it printed. */
  public record Run(int exitCode, String out, String err) {}

  public Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cli.execute(args, this, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  /** {@code action --task-id task rest...} */
  public static String[] command(String action, String task, String... rest) {
    String[] full = new String[rest.length + 3];
    full[0] = action;
    full[1] = "--task-id";
    full[2] = task;
    System.arraycopy(rest, 0, full, 3, rest.length);
    return full;
  }

  /** Milliseconds the commands asked to sleep. */
  public long sleptMillis() {
    return slept.get();
  }

  @Override
  public StateStore store(String namespaceFlag) {
    return store;
  }

  @Override
  public Clock clock() {
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    return new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return start.plus(Duration.ofSeconds(seconds.incrementAndGet()));
      }
    };
  }

  @Override
  public Sleeper sleeper() {
    return slept::addAndGet;
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
