package dev.remediationstate.argoplugin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remediationstate.serve.ActionReply;
import java.time.Duration;
import java.util.Map;

/**
 * The one place an action's outcome becomes Argo's {@code ExecuteTemplateReply} ({@code
 * pkg/plugins/executor}): {@code {node: {phase, message, outputs: {parameters: [{name, value}]}},
 * requeue}}.
 *
 * <ul>
 *   <li>done: {@code Succeeded}, every result of the action as an output parameter, in the CLI's
 *       order and spelling;
 *   <li>a failure retrying cannot fix (a wrong parameter, a refused API call, an invalid state):
 *       {@code Failed} with the one-line message, so the step's {@code retryStrategy} applies;
 *   <li>a transient failure (conflicts exhausted, API unavailable, outcome unknown) and an action
 *       still running after the reply budget: {@code Running} with {@code requeue}. The agent calls
 *       again after the requeue with the same template, so the same request id: the run in flight
 *       is joined, or the action runs again and its request-id record makes that a replay. Once a
 *       request id has met only transient failures for the give-up limit: {@code Failed}.
 *   <li>a template that is not ours: {@code {}}, which tells the agent to ask the next plugin.
 * </ul>
 *
 * A {@code Running} reply without {@code requeue} would leave the node hanging, so none is made.
 */
final class PluginReply {
  private PluginReply() {}

  static ObjectNode notOurs(ObjectMapper json) {
    return json.createObjectNode();
  }

  static ObjectNode of(ObjectMapper json, ActionReply reply, Duration requeue) {
    if (reply instanceof ActionReply.Done done) {
      ObjectNode root = json.createObjectNode();
      ObjectNode node = root.putObject("node");
      node.put("phase", "Succeeded");
      node.put("message", done.action() + " on " + done.taskId());
      ArrayNode parameters = node.putObject("outputs").putArray("parameters");
      for (Map.Entry<String, String> result : done.results().asMap().entrySet()) {
        parameters.addObject().put("name", result.getKey()).put("value", result.getValue());
      }
      return root;
    }
    ActionReply.Failed failed = (ActionReply.Failed) reply;
    if (failed.kind().isTransient()) {
      return running(json, failed.message() + "; calling again in " + seconds(requeue), requeue);
    }
    return failedNode(json, failed.message());
  }

  /**
   * A transient failure that has lasted the give-up limit: {@code Failed}, so the step's {@code
   * retryStrategy} (a new node, a new request id) or the workflow's {@code onExit} takes over.
   */
  static ObjectNode gaveUp(ObjectMapper json, ActionReply.Failed failed, Duration limit) {
    return failedNode(
        json, failed.message() + "; gave up after " + seconds(limit) + " of transient failures");
  }

  private static ObjectNode failedNode(ObjectMapper json, String message) {
    ObjectNode root = json.createObjectNode();
    ObjectNode node = root.putObject("node");
    node.put("phase", "Failed");
    node.put("message", message);
    return root;
  }

  static ObjectNode stillRunning(ObjectMapper json, Duration elapsed, Duration requeue) {
    return running(json, "still running after " + seconds(elapsed), requeue);
  }

  private static ObjectNode running(ObjectMapper json, String message, Duration requeue) {
    ObjectNode root = json.createObjectNode();
    ObjectNode node = root.putObject("node");
    node.put("phase", "Running");
    node.put("message", message);
    root.put("requeue", seconds(requeue));
    return root;
  }

  /**
   * A Go duration string ({@code metav1.Duration}): {@code 5s}, or {@code 1500ms} when not whole.
   */
  static String seconds(Duration duration) {
    long millis = Math.max(1, duration.toMillis());
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }
}
