package dev.remediationstate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.ConflictException;
import dev.remediationstate.store.FakeStateStore;
import dev.remediationstate.store.StateConfigMap;
import dev.remediationstate.store.StateObject;
import dev.remediationstate.store.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, defect 3: no change is committed whose results cannot be delivered. The results are
 * size-checked and the directory probed before the write; a result file that fails after the commit
 * is exit 8, and a re-run with the same request id writes the same results. Without a request id,
 * the id derived from the pod makes a re-run of the step the same request.
 */
class ResultsBeforeCommitCliTest {
  private static final TaskId TASK = new TaskId("results");
  @TempDir Path dir;

  private final FakeStateStore memory = new FakeStateStore();

  /** Runs {@code onCommit} after every successful update: a fault between commit and results. */
  private static final class AfterCommit implements StateStore {
    private final StateStore delegate;
    Runnable onCommit = () -> {};

    AfterCommit(StateStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public Optional<StateObject> read(String name) {
      return delegate.read(name);
    }

    @Override
    public StateObject create(StateObject object) throws ConflictException {
      return delegate.create(object);
    }

    @Override
    public StateObject update(StateObject object, String expected) throws ConflictException {
      StateObject written = delegate.update(object, expected);
      onCommit.run();
      return written;
    }
  }

  private int iteration() {
    return StateConfigMap.decode(memory.read(TASK.configMapName()).orElseThrow(), TASK).iteration();
  }

  private void threeIterations(FakeWiring cli) {
    assertEquals(0, cli.run(FakeWiring.command("init", TASK.value())).exitCode());
    for (int i = 1; i <= 3; i++) {
      assertEquals(
          0,
          cli.run(FakeWiring.command("next-iteration", TASK.value(), "--request-id", "r" + i))
              .exitCode());
    }
  }

  @Test
  void resultsOverTheLimitAreRefusedBeforeTheIterationAdvances() {
    FakeWiring cli = new FakeWiring(memory);
    threeIterations(cli);
    FakeWiring.Run run =
        cli.run(
            FakeWiring.command(
                "next-iteration",
                TASK.value(),
                "--results-dir",
                dir.toString(),
                "--results-limit",
                "64"));
    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains("results-limit"), run.err());
    assertEquals(3, iteration(), "nothing was written");
  }

  @Test
  void aResultsDirectoryThatCannotBeCreatedIsRefusedBeforeTheIterationAdvances()
      throws IOException {
    FakeWiring cli = new FakeWiring(memory);
    threeIterations(cli);
    Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
    FakeWiring.Run run =
        cli.run(
            FakeWiring.command(
                "next-iteration",
                TASK.value(),
                "--results-dir",
                file.resolve("results").toString()));
    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains("results-dir"), run.err());
    assertEquals(3, iteration(), "nothing was written");
  }

  @Test
  void resultsLostAfterTheCommitAreExit8AndTheSameRequestIdWritesThemAgain() throws IOException {
    AfterCommit store = new AfterCommit(memory);
    FakeWiring cli = new FakeWiring(store);
    threeIterations(cli);
    Path results = dir.resolve("results");
    store.onCommit = () -> breakDirectory(results);
    String[] next =
        FakeWiring.command(
            "next-iteration",
            TASK.value(),
            "--results-dir",
            results.toString(),
            "--request-id",
            "step-7");
    FakeWiring.Run first = cli.run(next);
    assertEquals(8, first.exitCode(), first.err());
    assertTrue(first.err().contains("--request-id step-7"), first.err());
    assertEquals(4, iteration(), "the change was committed");

    store.onCommit = () -> {};
    Files.delete(results);
    FakeWiring.Run again = cli.run(next);
    assertEquals(0, again.exitCode(), again.err());
    assertEquals("4", Files.readString(results.resolve("iteration")));
    assertEquals("true", Files.readString(results.resolve("started")));
    assertEquals(4, iteration(), "the re-run started nothing");
  }

  @Test
  void aRetriedStepInTheSamePodIsTheSameRequestWithoutARequestId() {
    FakeWiring pod = new FakeWiring(memory).withEnv(Map.of("POD_NAME", "loop-run-7-pod"));
    threeIterations(pod);
    FakeWiring.Run first = pod.run(FakeWiring.command("next-iteration", TASK.value()));
    FakeWiring.Run retry = pod.run(FakeWiring.command("next-iteration", TASK.value()));
    assertEquals(0, retry.exitCode(), retry.err());
    assertEquals(first.out(), retry.out());
    assertEquals(4, iteration());
    RemediationState state =
        StateConfigMap.decode(memory.read(TASK.configMapName()).orElseThrow(), TASK);
    assertEquals("pod/loop-run-7-pod", state.iterations().get(3).requestId());
  }

  @Test
  void inAPodTheHostnameIsThePodName() {
    assertEquals(
        Optional.of("pod/p-1"),
        CommonOptions.derivedRequestId(
            Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1", "HOSTNAME", "p-1")));
    assertEquals(Optional.empty(), CommonOptions.derivedRequestId(Map.of("HOSTNAME", "laptop")));
    assertEquals(
        Optional.of("pod/a"),
        CommonOptions.derivedRequestId(
            Map.of("RS_POD_NAME", "a", "POD_NAME", "b", "KUBERNETES_SERVICE_HOST", "x")));
  }

  @Test
  void outsideAPodEveryProcessIsItsOwnRequest() {
    FakeWiring laptop = new FakeWiring(memory).withEnv(Map.of("HOSTNAME", "laptop"));
    threeIterations(laptop);
    laptop.run(FakeWiring.command("next-iteration", TASK.value()));
    laptop.run(FakeWiring.command("next-iteration", TASK.value()));
    assertEquals(5, iteration());
  }

  private static void breakDirectory(Path results) {
    try {
      if (Files.exists(results)) {
        try (Stream<Path> files = Files.walk(results)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      Files.writeString(results, "a file where the directory was");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
