package dev.remediationstate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.failure.ApiRefusedException;
import dev.remediationstate.failure.OutcomeUnknownException;
import dev.remediationstate.store.ConflictException;
import dev.remediationstate.store.FakeStateStore;
import dev.remediationstate.store.StateObject;
import dev.remediationstate.store.StateStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  @TempDir Path results;
  private final FakeStateStore store = new FakeStateStore();
  private String out;
  private String err;

  private int run(Wiring wiring, String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = Cli.execute(args, wiring, new PrintWriter(o), new PrintWriter(e));
    out = o.toString();
    err = e.toString();
    return code;
  }

  private int run(String... args) {
    return run(new FakeWiring(store), args);
  }

  private String result(String name) throws Exception {
    return Files.readString(results.resolve(name));
  }

  @Test
  void aFullLoopWritesResultFilesAndStdout() throws Exception {
    String dir = results.toString();
    assertEquals(
        0, run("init", "--task-id", "pr-1", "--max-iterations", "3", "--results-dir", dir));
    assertEquals("true", result("created"));
    assertEquals(0, run("next-iteration", "--task-id", "pr-1", "--results-dir", dir));
    assertEquals("1", result("iteration"));
    assertEquals(
        "{\"iteration\":\"1\",\"max-iterations\":\"3\",\"started\":\"true\",\"limit-reached\":\"false\",\"status\":\"in-progress\"}\n",
        out);
    assertEquals(
        0,
        run(
            "record-feedback",
            "--task-id",
            "pr-1",
            "--results-dir",
            dir,
            "--feedback",
            "{\"severity\":\"high\",\"issueType\":\"bug\",\"description\":\"crash\"}"));
    assertEquals("true", result("recorded"));
    assertEquals(0, run("gate", "--task-id", "pr-1", "--results-dir", dir));
    assertEquals("continue", result("decision"));
    assertEquals("changes-requested", result("reason"));
    assertEquals(
        2,
        run("record-feedback", "--task-id", "pr-1", "--feedback-file", "-", "--results-dir", dir));
    assertTrue(err.contains("feedback"), err);
  }

  @Test
  void readsFeedbackFromStdinAndFiles() throws Exception {
    run("init", "--task-id", "pr-1");
    run("next-iteration", "--task-id", "pr-1");
    FakeWiring stdin = new FakeWiring(store, "{\"verdict\":\"approved\"}");
    assertEquals(0, run(stdin, "record-feedback", "--task-id", "pr-1", "--feedback-file", "-"));
    assertTrue(out.contains("\"verdict\":\"approved\""), out);
    Path file = results.resolve("f.json");
    Files.writeString(
        file, "{\"severity\":\"low\",\"issueType\":\"other\",\"description\":\"nit\"}");
    assertEquals(
        0, run("record-feedback", "--task-id", "pr-1", "--feedback-file", file.toString()));
    assertEquals(0, run("gate", "--task-id", "pr-1"));
    assertTrue(out.contains("\"decision\":\"continue\""), out);
  }

  @Test
  void aStopIsADecisionNotAFailure() throws Exception {
    run("init", "--task-id", "pr-1", "--max-iterations", "1");
    run("next-iteration", "--task-id", "pr-1");
    assertEquals(0, run("gate", "--task-id", "pr-1", "--results-dir", results.toString()));
    assertEquals("stop", result("decision"));
    assertEquals("limit-reached", result("reason"));
    assertEquals("true", result("limit-reached"));
  }

  @Test
  void usageErrorsExitTwoWithOneLineNamingTheField() {
    assertEquals(2, run("init"));
    assertEquals("remediation-state init: task-id: is required\n", err);
    assertEquals(2, run("init", "--task-id", "Bad!"));
    assertTrue(err.startsWith("remediation-state init: task-id: "), err);
    assertEquals(2, run("init", "--task-id", "a", "--max-iterations", "abc"));
    assertTrue(err.contains("--max-iterations"), err);
    assertEquals(1, err.lines().count());
    assertEquals(2, run("frobnicate"));
    assertEquals(2, run());
    assertEquals(2, run("init", "--task-id", "a", "--metadata", "novalue"));
    assertTrue(err.contains("metadata"), err);
    assertTrue(store.writes().isEmpty());
  }

  @Test
  void badFeedbackWritesNothing() {
    run("init", "--task-id", "pr-1");
    run("next-iteration", "--task-id", "pr-1");
    int writes = store.writes().size();
    assertEquals(
        2, run("record-feedback", "--task-id", "pr-1", "--feedback", "{\"severity\":\"urgent\"}"));
    assertTrue(err.contains("feedback.severity"), err);
    assertEquals(2, run("record-feedback", "--task-id", "pr-1"));
    assertEquals(
        2, run("record-feedback", "--task-id", "pr-1", "--feedback-file", "/does/not/exist"));
    assertTrue(err.contains("feedback-file"), err);
    assertEquals(writes, store.writes().size());
  }

  @Test
  void aMissingStateExitsThree() {
    assertEquals(3, run("next-iteration", "--task-id", "nope"));
    assertTrue(err.contains("run init first"), err);
    assertEquals(3, run("show", "--task-id", "nope"));
  }

  @Test
  void conflictExhaustionExitsFour() {
    run("init", "--task-id", "pr-1");
    store.injectConflicts(100);
    assertEquals(4, run("next-iteration", "--task-id", "pr-1", "--conflict-attempts", "3"));
    assertTrue(err.contains("safe to re-run"), err);
  }

  @Test
  void apiRefusalAndUnavailabilityExitFiveAndSix() {
    assertEquals(
        5,
        run(
            new FakeWiring(failing(new ApiRefusedException(403, "forbidden to get", null)), ""),
            "next-iteration",
            "--task-id",
            "pr-1"));
    assertEquals(
        6,
        run(
            new FakeWiring(failing(new OutcomeUnknownException("unavailable", null)), ""),
            "next-iteration",
            "--task-id",
            "pr-1"));
  }

  @Test
  void aBugExitsOneAndShowsTheStackTraceOnlyWhenVerbose() {
    FakeWiring broken = new FakeWiring(failing(new IllegalStateException("boom")), "");
    assertEquals(1, run(broken, "gate", "--task-id", "pr-1"));
    assertEquals(1, err.lines().count());
    assertTrue(err.contains("internal error"), err);
    assertEquals(1, run(broken, "gate", "--task-id", "pr-1", "--verbose"));
    assertTrue(err.lines().count() > 1);
  }

  @Test
  void showPrintsTheState() {
    run("init", "--task-id", "pr-1", "--metadata", "pr=42,repo=acme/app");
    assertEquals(0, run("show", "--task-id", "pr-1"));
    assertTrue(out.contains("\"taskId\" : \"pr-1\""), out);
    assertTrue(out.contains("\"repo\" : \"acme/app\""), out);
  }

  @Test
  void passesTheNamespaceFlagToTheStore() {
    FakeWiring wiring = new FakeWiring(store);
    run(wiring, "init", "--task-id", "pr-1", "-n", "team-a");
    assertEquals("team-a", wiring.namespaceAsked());
  }

  @Test
  void anUnwritableResultsDirIsRefusedBeforeAnyWrite() throws Exception {
    Path file = Files.writeString(results.resolve("plain-file"), "x");
    assertEquals(2, run("init", "--task-id", "pr-1", "--results-dir", file.toString()));
    assertTrue(err.contains("results-dir"), err);
    assertFalse(store.get("task-pr-1-state").isPresent());
  }

  private static StateStore failing(RuntimeException failure) {
    return new StateStore() {
      @Override
      public Optional<StateObject> read(String name) {
        throw failure;
      }

      @Override
      public StateObject create(StateObject object) throws ConflictException {
        throw failure;
      }

      @Override
      public StateObject update(StateObject object, String rv) throws ConflictException {
        throw failure;
      }
    };
  }
}
