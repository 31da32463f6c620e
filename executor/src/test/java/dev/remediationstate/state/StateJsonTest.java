package dev.remediationstate.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remediationstate.failure.InvalidStateException;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateJsonTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void roundTripsAState() {
    RemediationState state =
        RemediationState.initial("t1", 4, Map.of("pr", "7"), T)
            .startIteration("r1", T.plusSeconds(1));
    assertEquals(state, StateJson.read(StateJson.write(state), "test"));
  }

  @Test
  void keepsFieldsWrittenByANewerExecutorOnRewrite() throws Exception {
    String json =
        StateJson.write(RemediationState.initial("t1", 4, Map.of(), T).startIteration("r1", T))
            .replaceFirst("\\{", "{\"futureTopLevel\":{\"a\":[1,2]},")
            .replace("\"number\":1,", "\"number\":1,\"futureNested\":\"kept\",");
    RemediationState read = StateJson.read(json, "test");
    RemediationState rewritten = read.withStatus(Status.IN_PROGRESS, null, T.plusSeconds(5));
    JsonNode tree = StateJson.mapper().readTree(StateJson.write(rewritten));
    assertEquals(2, tree.path("futureTopLevel").path("a").get(1).asInt());
    assertEquals("kept", tree.path("iterations").get(0).path("futureNested").asText());
  }

  @Test
  void refusesJsonThatIsNotAState() {
    InvalidStateException e =
        assertThrows(InvalidStateException.class, () -> StateJson.read("{\"iteration\":", "cm/x"));
    assertTrue(e.getMessage().startsWith("cm/x: state.json is not a valid state"), e.getMessage());
    assertThrows(InvalidStateException.class, () -> StateJson.read("[]", "cm/x"));
    assertThrows(InvalidStateException.class, () -> StateJson.read("null", "cm/x"));
  }

  @Test
  void refusesAnUnknownStatus() {
    String json =
        StateJson.write(RemediationState.initial("t1", 4, Map.of(), T))
            .replace("initialized", "sleeping");
    assertThrows(InvalidStateException.class, () -> StateJson.read(json, "cm/x"));
  }

  @Test
  void refusesAnIterationThatDisagreesWithTheHistory() {
    String json =
        StateJson.write(RemediationState.initial("t1", 4, Map.of(), T))
            .replace("\"iteration\":0", "\"iteration\":3");
    InvalidStateException e =
        assertThrows(InvalidStateException.class, () -> StateJson.read(json, "cm/x"));
    assertTrue(e.getMessage().contains("history has 0 iterations"), e.getMessage());
  }

  @Test
  void refusesDeeplyNestedInput() {
    String deep = "{\"x\":" + "[".repeat(200) + "]".repeat(200) + "}";
    assertThrows(InvalidStateException.class, () -> StateJson.read(deep, "cm/x"));
  }
}
