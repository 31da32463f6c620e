package dev.remediationstate.argoplugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.remediationstate.failure.InvalidInputException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PluginCallTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode body(String plugin) throws Exception {
    return JSON.readTree(
        "{\"workflow\":{\"metadata\":{\"name\":\"wf\",\"namespace\":\"team-a\",\"uid\":\"u-1\"}},"
            + "\"template\":{\"name\":\"next\",\"plugin\":"
            + plugin
            + "}}");
  }

  @Test
  void readsActionRequestIdAndParamsFromOurKey() throws Exception {
    PluginCall call =
        PluginCall.read(
                body(
                    "{\"remediation-state\":{\"action\":\"init\",\"request-id\":\"u-1/wf.init\","
                        + "\"task-id\":\"t1\",\"max-iterations\":5}}"),
                "remediation-state")
            .orElseThrow();
    assertEquals("team-a", call.namespace());
    assertEquals("init", call.action());
    assertEquals("u-1/wf.init", call.requestId());
    assertEquals(Map.of("task-id", "t1", "max-iterations", "5"), call.params());
  }

  @Test
  void anotherPluginsTemplateIsNotOurs() throws Exception {
    assertEquals(
        Optional.empty(),
        PluginCall.read(body("{\"hello\":{\"text\":\"hi\"}}"), "remediation-state"));
  }

  @Test
  void requestIdThatDoesNotStartWithTheWorkflowUidIsRefused() throws Exception {
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class,
            () ->
                PluginCall.read(
                    body(
                        "{\"remediation-state\":{\"action\":\"init\",\"request-id\":\"fixed\","
                            + "\"task-id\":\"t1\"}}"),
                    "remediation-state"));
    assertEquals("request-id", e.field());
  }

  @Test
  void missingActionAndObjectValuedParamsAreRefusedByName() throws Exception {
    assertEquals(
        "action",
        assertThrows(
                InvalidInputException.class,
                () ->
                    PluginCall.read(
                        body("{\"remediation-state\":{\"request-id\":\"u-1/x\"}}"),
                        "remediation-state"))
            .field());
    assertEquals(
        "metadata",
        assertThrows(
                InvalidInputException.class,
                () ->
                    PluginCall.read(
                        body(
                            "{\"remediation-state\":{\"action\":\"init\",\"request-id\":\"u-1/x\","
                                + "\"metadata\":{\"a\":1}}}"),
                        "remediation-state"))
            .field());
  }

  @Test
  void aBodyWithoutWorkflowOrTemplateIsNotARequest() {
    assertThrows(
        IllegalArgumentException.class,
        () -> PluginCall.read(JSON.readTree("{\"template\":{}}"), "remediation-state"));
  }

  @Test
  void nodeNamesBecomeValidDistinctRequestIds() {
    String retry0 = PluginCall.requestIdOf("u-1/loop[0].next-iteration(0)");
    String retry1 = PluginCall.requestIdOf("u-1/loop[0].next-iteration(1)");
    assertNotEquals(retry0, retry1);
    assertTrue(retry0.startsWith("u-1/loop-0-.next-iteration-0-:"), retry0);
    assertTrue(retry0.matches("[A-Za-z0-9][A-Za-z0-9._:/-]{0,252}"), retry0);
    assertEquals(retry0, PluginCall.requestIdOf("u-1/loop[0].next-iteration(0)"));
    assertEquals("u-1/plain.name", PluginCall.requestIdOf("u-1/plain.name"));
    String longId = PluginCall.requestIdOf("u-1/" + "x(".repeat(400));
    assertTrue(longId.length() <= 253, longId);
  }
}
