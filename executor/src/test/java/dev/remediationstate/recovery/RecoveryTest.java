package dev.remediationstate.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.StateBackup;
import dev.remediationstate.store.StateConfigMap;
import dev.remediationstate.store.StateObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecoveryTest {
  private static final TaskId TASK = new TaskId("big");
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void cutsTextToTheByteBudgetWithAMarker() {
    String cut = Recovery.fit("ééééééééé", 60);
    assertEquals("ééééééééé", cut);
    String head = Recovery.fit("é".repeat(100), 80);
    assertTrue(head.getBytes(StandardCharsets.UTF_8).length <= 80);
    assertTrue(head.endsWith("[truncated by recover: the original had 200 bytes]"), head);
  }

  @Test
  void aHugeCorruptStateIsPreservedWithinTheBudgetBeforeTheBackup() {
    RemediationState state = RemediationState.initial(TASK.value(), 5, Map.of(), T0);
    StateObject sound = StateConfigMap.encode(state, Optional.empty());
    StateObject withBackup =
        StateConfigMap.encode(state.startIteration("r", T0), Optional.of(sound));
    assertTrue(withBackup.binaryData().containsKey(StateBackup.KEY));
    Map<String, String> data = new LinkedHashMap<>(withBackup.data());
    data.put(StateConfigMap.KEY_STATE, "{" + "x".repeat((int) StateConfigMap.BUDGET));
    StateObject corrupt =
        new StateObject(
            withBackup.name(),
            withBackup.labels(),
            withBackup.annotations(),
            data,
            withBackup.binaryData(),
            "7",
            "uid");
    Recovery.Plan plan = Recovery.plan(corrupt, TASK, StateCheck.diagnose(corrupt, TASK), T0);
    assertEquals("backup", plan.repaired().source());
    assertTrue(plan.object().apiSize() <= StateConfigMap.BUDGET, "within the budget");
    assertNull(plan.object().binaryData().get(StateBackup.KEY), "the backup gave way");
    String kept = plan.object().data().get(plan.preservedKey());
    assertTrue(
        kept.startsWith("{xxxx") && kept.contains("[truncated by recover"), kept.substring(0, 10));
    assertTrue(StateCheck.diagnose(plan.object(), TASK).healthy());
  }

  @Test
  void theBackupIsDroppedRatherThanKeptStaleWhenItNoLongerFits() {
    RemediationState state = RemediationState.initial(TASK.value(), 5, Map.of(), T0);
    StateObject sound = StateConfigMap.encode(state, Optional.empty());
    StateObject withBackup =
        StateConfigMap.encode(state.startIteration("r", T0), Optional.of(sound));
    RemediationState next = state.startIteration("r", T0).startIteration("s", T0);
    StateObject roomy = StateConfigMap.encode(next, Optional.of(withBackup));
    long withoutBackup = roomy.apiSize() - roomy.binaryData().get(StateBackup.KEY).length;
    Map<String, String> data = new LinkedHashMap<>(withBackup.data());
    data.put("foreign", "y".repeat((int) (StateConfigMap.BUDGET - withoutBackup - 10)));
    StateObject crowded =
        new StateObject(
            withBackup.name(),
            withBackup.labels(),
            withBackup.annotations(),
            data,
            withBackup.binaryData(),
            "7",
            "uid");
    StateObject written = StateConfigMap.encode(next, Optional.of(crowded));
    assertTrue(written.apiSize() <= StateConfigMap.BUDGET);
    assertNull(written.binaryData().get(StateBackup.KEY));
  }
}
