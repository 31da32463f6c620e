package dev.remediationstate.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.failure.InvalidInputException;
import dev.remediationstate.failure.InvalidStateException;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.StateJson;
import dev.remediationstate.state.TaskId;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StateConfigMapTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  private final TaskId task = new TaskId("pr-7");
  private final RemediationState state =
      RemediationState.initial("pr-7", 10, Map.of(), T).startIteration("r1", T.plusSeconds(3));

  @Test
  void laysOutNameLabelsAnnotationAndReadableKeys() {
    StateObject o = StateConfigMap.encode(state, Optional.empty());
    assertEquals("task-pr-7-state", o.name());
    assertEquals("remediation-state", o.labels().get("app.kubernetes.io/name"));
    assertEquals("remediation-state", o.labels().get("app.kubernetes.io/managed-by"));
    assertEquals("pr-7", o.labels().get("remediation-state.dev/task-id"));
    assertEquals("in-progress", o.labels().get("remediation-state.dev/status"));
    assertEquals(
        Integer.toString(RemediationState.SCHEMA_VERSION),
        o.annotations().get("remediation-state.dev/schema-version"));
    assertEquals("1", o.data().get("iteration"));
    assertEquals("in-progress", o.data().get("status"));
    assertEquals("pr-7", o.data().get("task_id"));
    assertEquals("2026-01-01T00:00:03Z", o.data().get("last_update"));
    assertEquals(state, StateConfigMap.decode(o, task));
  }

  @Test
  void keepsKeysItDoesNotOwn() {
    StateObject previous =
        new StateObject(
            "task-pr-7-state",
            Map.of("team", "payments", "remediation-state.dev/status", "initialized"),
            Map.of("note", "hand-written"),
            Map.of("extra.txt", "keep me", "iteration", "0"),
            Map.of("blob", new byte[] {1, 2, 3}),
            "41",
            "u-1");
    StateObject o = StateConfigMap.encode(state, Optional.of(previous));
    assertEquals("payments", o.labels().get("team"));
    assertEquals("in-progress", o.labels().get("remediation-state.dev/status"));
    assertEquals("hand-written", o.annotations().get("note"));
    assertEquals("keep me", o.data().get("extra.txt"));
    assertArrayEquals(new byte[] {1, 2, 3}, o.binaryData().get("blob"));
    assertEquals("41", o.resourceVersion());
  }

  @Test
  void refusesToGrowPastTheBudget() {
    StateObject huge =
        new StateObject(
            "task-pr-7-state",
            Map.of(),
            Map.of(),
            Map.of("big", "x".repeat(1_040_000)),
            Map.of(),
            "1",
            "u");
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class, () -> StateConfigMap.encode(state, Optional.of(huge)));
    assertTrue(e.getMessage().contains("nothing was written"), e.getMessage());
  }

  @Test
  void apiSizeCountsValuesAsTheServerDoes() {
    StateObject o =
        new StateObject(
            "n",
            Map.of("l", "ignored"),
            Map.of(),
            Map.of("a", "héllo", "b", "€"),
            Map.of("c", new byte[7]),
            null,
            null);
    assertEquals(6 + 3 + 7, o.apiSize());
  }

  @Test
  void refusesAStateOfAnotherTaskOrWithoutStateJson() {
    StateObject o = StateConfigMap.encode(state, Optional.empty());
    assertThrows(InvalidStateException.class, () -> StateConfigMap.decode(o, new TaskId("other")));
    StateObject empty =
        new StateObject("task-pr-7-state", Map.of(), Map.of(), Map.of(), Map.of(), "1", "u");
    assertThrows(InvalidStateException.class, () -> StateConfigMap.decode(empty, task));
  }

  @Test
  void refusesToRewriteANewerSchema() {
    String newer =
        StateJson.write(state)
            .replace("\"schemaVersion\":" + RemediationState.SCHEMA_VERSION, "\"schemaVersion\":9");
    RemediationState read = StateJson.read(newer, "x");
    InvalidStateException e =
        assertThrows(
            InvalidStateException.class,
            () -> StateConfigMap.requireWritable(read, "task-pr-7-state"));
    assertTrue(e.getMessage().contains("schema 9"), e.getMessage());
  }
}
