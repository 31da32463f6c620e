package dev.remediationstate.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.failure.InvalidStateException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MigrationsTest {
  static String prototypeFixture() throws IOException {
    try (InputStream in =
        MigrationsTest.class.getResourceAsStream("/fixtures/state-schema-0-prototype.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void readsThePrototypeLayoutAsTheCurrentSchema() throws IOException {
    RemediationState state = StateJson.read(prototypeFixture(), "fixture");
    assertEquals(RemediationState.SCHEMA_VERSION, state.schemaVersion());
    assertEquals("proto-1", state.taskId());
    assertEquals(Status.IN_PROGRESS, state.status());
    assertEquals(2, state.iteration());
    assertEquals(5, state.maxIterations());
    assertEquals(Instant.parse("2025-06-01T11:00:00Z"), state.iterations().get(1).startedAt());
    assertEquals(2, state.feedback().size());
    FeedbackEntry first = state.feedback().get(0);
    assertEquals("fb-0001", first.id());
    assertEquals(Verdict.CHANGES_REQUESTED, first.verdict());
    assertEquals(Severity.HIGH, first.severity());
    assertEquals(IssueType.BUG, first.issueType());
    assertEquals("review-comment-17", first.sourceRef());
    assertEquals("prototype:2", state.feedback().get(1).sourceRef());
    assertNull(first.fingerprint());
    assertEquals(2, state.feedbackSequence());
    assertEquals("team-a", state.unknown().get("owner"));
  }

  @Test
  void aMigratedStateWritesTheCurrentSchema() throws IOException {
    RemediationState state = StateJson.read(prototypeFixture(), "fixture");
    String written = StateJson.write(state);
    assertTrue(
        written.startsWith("{\"schemaVersion\":" + RemediationState.SCHEMA_VERSION + ","), written);
    assertEquals(state, StateJson.read(written, "rewritten"));
  }

  @Test
  void aPrototypeWithAnUnknownStatusIsRefused() {
    InvalidStateException e =
        assertThrows(
            InvalidStateException.class,
            () ->
                StateJson.read(
                    "{\"task\":\"a\",\"state\":\"sleeping\",\"round\":0,\"max_rounds\":3,"
                        + "\"created\":\"2025-01-01T00:00:00Z\",\"updated\":\"2025-01-01T00:00:00Z\"}",
                    "cm"));
    assertTrue(e.getMessage().contains("state 'sleeping'"), e.getMessage());
  }

  @Test
  void aStateWithoutSchemaOrPrototypeFieldsIsRefused() {
    assertThrows(InvalidStateException.class, () -> StateJson.read("{}", "cm"));
  }
}
