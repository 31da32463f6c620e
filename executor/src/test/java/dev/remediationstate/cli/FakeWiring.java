package dev.remediationstate.cli;

import dev.remediationstate.gc.GcEdges;
import dev.remediationstate.kube.KubeConnection;
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
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one hand-written set of edges for running the real command line in-process: a given store
 * (and gc edges, when a test runs gc), a clock that advances one second per reading unless one is
 * given, a sleeper that only adds up the time it was asked to wait, a given stdin and default
 * results directory.
 */
public final class FakeWiring implements Wiring {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private final StateStore store;
  private final AtomicLong seconds = new AtomicLong();
  private final AtomicLong slept = new AtomicLong();
  private GcEdges gcEdges;
  private Clock clock;
  private String stdin = "";
  private Optional<Path> defaultResultsDir = Optional.empty();
  private volatile String namespaceAsked;
  private Map<String, String> env = Map.of();

  public FakeWiring(StateStore store) {
    this.store = store;
  }

  public FakeWiring(StateStore store, String stdin) {
    this(store);
    this.stdin = stdin;
  }

  /** Wiring for gc runs: its edges, their store, and the given clock. */
  public static FakeWiring forGc(GcEdges edges, Clock clock) {
    FakeWiring wiring = new FakeWiring(edges.store()).withClock(clock);
    wiring.gcEdges = edges;
    return wiring;
  }

  public FakeWiring withClock(Clock fixed) {
    this.clock = fixed;
    return this;
  }

  public FakeWiring withDefaultResultsDir(Optional<Path> dir) {
    this.defaultResultsDir = dir;
    return this;
  }

  /** The environment the commands see (default: empty, so every process draws its own id). */
  public FakeWiring withEnv(Map<String, String> environment) {
    this.env = Map.copyOf(environment);
    return this;
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

  /** The --namespace the last command opened its store with (null: none given). */
  public String namespaceAsked() {
    return namespaceAsked;
  }

  @Override
  public StateStore store(String namespaceFlag) {
    namespaceAsked = namespaceFlag;
    return store;
  }

  @Override
  public GcEdges gcEdges(String namespaceFlag) {
    if (gcEdges == null) {
      throw new AssertionError("this test gave no gc edges: use FakeWiring.forGc");
    }
    namespaceAsked = namespaceFlag;
    return gcEdges;
  }

  /** The CLI tests never serve; serve's own tests wire a real connection to the test API server. */
  @Override
  public KubeConnection.Connected connect() {
    throw new AssertionError("a CLI test asked for serve's API connection");
  }

  @Override
  public Clock clock() {
    if (clock != null) {
      return clock;
    }
    return new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return START.plus(Duration.ofSeconds(seconds.incrementAndGet()));
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
  public Map<String, String> env() {
    return env;
  }

  @Override
  public Optional<Path> defaultResultsDir() {
    return defaultResultsDir;
  }

  @Override
  public void close() {}
}
