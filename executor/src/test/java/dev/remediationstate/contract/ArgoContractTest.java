package dev.remediationstate.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remediationstate.store.FakeStateStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Argo WorkflowTemplate remediation-state (one template per action, for templateRef) and the
 * example loop that calls it, against the executor. Argo has no fabric8 model, so both are read as
 * YAML trees: each action template's inputs, environment and arguments must be options the action
 * takes, its output parameters exactly the results the action writes; each templateRef call of the
 * loop must pass every required input and read only outputs the template declares. Then the action
 * templates run in loop order, with the loop's arguments, as the pods would.
 */
class ArgoContractTest {
  static final Path STATE_TEMPLATE =
      Manifests.root().resolve("tasks/argo/remediation-state/0.1/remediation-state.yaml");
  static final Path LOOP = Manifests.root().resolve("examples/argo/remediation-loop.yaml");
  static final List<String> ACTIONS = List.of("init", "next-iteration", "record-feedback", "gate");

  /** Argo's controller refuses a template nested this deep (controller.go maxAllowedStackDepth). */
  static final int ARGO_MAX_STACK_DEPTH = 100;

  /**
   * The exit codes the README calls safe to re-run with the same request id: 4 (conflict budget), 6
   * (unavailable or outcome unknown), 8 (results not written after the commit).
   */
  static final Set<Integer> RERUNNABLE = Set.of(4, 6, 8);

  private static final Pattern STEP_OUTPUT =
      Pattern.compile("\\{\\{steps\\.([a-z0-9-]+)\\.outputs\\.parameters\\.([a-z0-9-]+)}}");
  private static final Pattern VARIABLE = Pattern.compile("\\{\\{([a-z.-]+)}}");
  private static final Pattern EXIT_CODE =
      Pattern.compile("asInt\\(lastRetry\\.exitCode\\) == (\\d+)");
  private static final String WORKFLOW_UID = "5f0c8a52-1b7e-4c1d-8e2f-0a9b8c7d6e5f";

  @TempDir static Path scratch;
  private static Map<String, Set<String>> produced;

  @BeforeAll
  static void runEveryAction() {
    produced = ExecutorContract.producedResults(scratch);
  }

  @Test
  void actionTemplatesMatchTheExecutor() {
    Map<String, JsonNode> templates = templates(Manifests.tree(STATE_TEMPLATE));
    assertEquals(new TreeSet<>(ACTIONS), new TreeSet<>(templates.keySet()));
    for (String action : ACTIONS) {
      JsonNode template = templates.get(action);
      JsonNode container = template.get("container");
      assertEquals(Manifests.imageEntrypoint(), strings(container.get("command")), action);
      List<String> args = strings(container.get("args"));
      assertEquals(action, args.get(0));
      assertEquals("remediation-state", template.path("serviceAccountName").asText(), action);
      assertTrue(template.path("activeDeadlineSeconds").asInt() > 0, action + " deadline");

      Map<String, ExecutorContract.OptionContract> options = ExecutorContract.options(action);
      Map<String, String> envByInput = new LinkedHashMap<>();
      for (JsonNode e : container.path("env")) {
        Matcher m =
            Pattern.compile("\\{\\{inputs\\.parameters\\.([a-z-]+)}}")
                .matcher(e.path("value").asText());
        assertTrue(m.matches(), action + ": env " + e + " is not one input parameter");
        envByInput.put(m.group(1), e.path("name").asText());
      }
      Set<String> inputs = new TreeSet<>();
      for (JsonNode p : template.at("/inputs/parameters")) {
        String name = p.path("name").asText();
        inputs.add(name);
        ExecutorContract.OptionContract option = options.get(name);
        assertTrue(option != null, action + ": input " + name + " is no option of " + action);
        assertEquals(option.env(), envByInput.get(name), action + ": input " + name + " env");
        if (p.has("value") && !name.equals("namespace")) {
          assertEquals(option.defaultValue(), p.path("value").asText(), action + " " + name);
        }
      }
      assertEquals(inputs, envByInput.keySet(), action + ": inputs vs env");
      for (String arg : args.subList(1, args.size())) {
        if (arg.startsWith("--")) {
          assertTrue(options.containsKey(arg.substring(2)), action + ": unknown option " + arg);
        }
      }
      String resultsDir = args.get(args.indexOf("--results-dir") + 1);
      Map<String, String> outputs = outputs(template);
      assertEquals(produced.get(action), outputs.keySet(), action + " outputs vs results");
      outputs.forEach((n, path) -> assertEquals(resultsDir + "/" + n, path, action + " " + n));

      JsonNode retry = template.path("retryStrategy");
      Set<Integer> codes = new TreeSet<>();
      Matcher m = EXIT_CODE.matcher(retry.path("expression").asText());
      while (m.find()) {
        codes.add(Integer.parseInt(m.group(1)));
      }
      assertEquals(RERUNNABLE, codes, action + ": retry exactly the re-runnable exit codes");
      assertTrue(retry.path("backoff").has("duration"), action + ": retry backoff");
    }
  }

  /**
   * Runs the loop's calls in order (init, next-iteration, record-feedback, gate, then the exit
   * handler's failure record) with the loop's arguments as Argo substitutes them, through the
   * template's environment, and checks the files for the output parameters.
   */
  @Test
  void loopCallsRunInLoopOrderAsThePodsWould() {
    JsonNode loop = Manifests.tree(LOOP);
    Map<String, JsonNode> stateTemplates = templates(Manifests.tree(STATE_TEMPLATE));
    Map<String, String> values = new LinkedHashMap<>();
    loop.at("/spec/arguments/parameters")
        .forEach(
            p ->
                values.put(
                    "workflow.parameters." + p.get("name").asText(), p.get("value").asText()));
    values.put("workflow.uid", WORKFLOW_UID);
    values.put("workflow.name", "remediation-loop-x7k2q");
    values.put("workflow.status", "Failed");
    values.put("inputs.parameters.turn", "1");
    values.put("steps.qa.outputs.parameters.finding", ExecutorContract.FINDING);

    FakeStateStore store = new FakeStateStore();
    List<String> ran = new ArrayList<>();
    Set<String> requestIds = new TreeSet<>();
    for (JsonNode call : templateRefCalls(loop)) {
      String action = call.at("/templateRef/template").asText();
      JsonNode template = stateTemplates.get(action);
      assertTrue(template != null, "no template " + action + " in remediation-state");
      Map<String, String> inputs = new LinkedHashMap<>();
      for (JsonNode p : template.at("/inputs/parameters")) {
        if (p.has("value")) {
          inputs.put(p.get("name").asText(), p.get("value").asText());
        }
      }
      for (JsonNode a : call.at("/arguments/parameters")) {
        inputs.put(a.get("name").asText(), substitute(a.get("value").asText(), values));
      }
      for (JsonNode p : template.at("/inputs/parameters")) {
        assertTrue(
            inputs.containsKey(p.get("name").asText()),
            call.path("name").asText() + " does not pass " + p.get("name").asText());
      }
      String requestId = call.at("/arguments/parameters").toString();
      assertTrue(requestId.contains("{{workflow.uid}}-"), call + ": request id from workflow.uid");
      assertFalse(
          requestId.contains("{{retries}}") || requestId.contains("{{pod.name}}"), call.toString());
      assertTrue(
          requestIds.add(action + " " + inputs.get("request-id")),
          "two calls of " + action + " share request id " + inputs.get("request-id"));

      Path dir = scratch.resolve("argo-" + call.path("name").asText());
      List<String> args = new ArrayList<>(strings(template.at("/container/args")));
      args.set(args.indexOf("--results-dir") + 1, dir.toString());
      Map<String, String> env = new LinkedHashMap<>();
      for (JsonNode e : template.at("/container/env")) {
        env.put(
            e.get("name").asText(),
            substitute(e.get("value").asText(), prefixed("inputs.parameters.", inputs)));
      }
      ExecutorContract.Run run = ExecutorContract.run(store, args, env, Optional.empty());
      assertEquals(0, run.exitCode(), call.path("name").asText() + ": " + run.err());
      assertEquals(
          outputs(template).keySet(),
          ExecutorContract.fileNames(dir),
          action + " files for output parameters");
      ran.add(call.path("name").asText());
    }
    assertEquals(List.of("init", "next", "record", "gate", "record-failure"), ran);
  }

  @Test
  void everyStepReferenceNamesATemplateAndAnOutputItDeclares() {
    JsonNode loop = Manifests.tree(LOOP);
    Map<String, JsonNode> templates = templates(loop);
    Map<String, JsonNode> stateTemplates = templates(Manifests.tree(STATE_TEMPLATE));
    assertTrue(templates.containsKey(loop.at("/spec/entrypoint").asText()), "entrypoint");
    assertTrue(templates.containsKey(loop.at("/spec/onExit").asText()), "onExit handler");
    List<String> whens = new ArrayList<>();
    for (JsonNode template : templates.values()) {
      Map<String, JsonNode> stepTargets = new LinkedHashMap<>();
      for (JsonNode group : template.path("steps")) {
        for (JsonNode step : group) {
          JsonNode target =
              step.has("templateRef")
                  ? stateTemplates.get(step.at("/templateRef/template").asText())
                  : templates.get(step.path("template").asText());
          assertTrue(target != null, "unknown template in " + step);
          if (step.has("templateRef")) {
            assertEquals("remediation-state", step.at("/templateRef/name").asText());
          }
          stepTargets.put(step.get("name").asText(), target);
          if (step.has("when")) {
            whens.add(step.get("when").asText());
          }
        }
      }
      Matcher m = STEP_OUTPUT.matcher(template.toString());
      while (m.find()) {
        JsonNode target = stepTargets.get(m.group(1));
        assertTrue(target != null, "reference to unknown step " + m.group(1));
        assertTrue(
            outputs(target).containsKey(m.group(2)),
            "steps." + m.group(1) + " has no output " + m.group(2));
      }
    }
    assertTrue(
        whens.stream()
            .anyMatch(w -> w.startsWith("{{steps.gate.outputs.parameters.decision}} == continue")),
        whens::toString);
    assertTrue(whens.contains("{{workflow.status}} != Succeeded"), "exit handler on failure only");
  }

  /**
   * Each turn nests one template deeper; a step of turn k runs at depth k + 2, or k + 3 while its
   * retry node is re-evaluated, and the controller refuses depth 100. So the loop may recurse into
   * turn 96 at most, and the recursive step says so.
   */
  @Test
  void recursionStopsBeforeArgosDepthLimit() {
    JsonNode turn = templates(Manifests.tree(LOOP)).get("turn");
    JsonNode again = null;
    for (JsonNode group : turn.path("steps")) {
      for (JsonNode step : group) {
        if (step.path("template").asText().equals("turn")) {
          again = step;
        }
      }
    }
    assertTrue(again != null && again.has("when"), "the turn template recurses only under a when");
    int maxTurn = ARGO_MAX_STACK_DEPTH - 1 - 3;
    assertTrue(
        again.get("when").asText().endsWith("{{inputs.parameters.turn}} < " + maxTurn),
        again.get("when").asText());
  }

  /**
   * Least privilege per template: the loop's default identity is remediation-agent; every pod
   * template that is not a remediation-state action says remediation-agent explicitly; every
   * container names its command (no registry lookup by Argo's emissary).
   */
  @Test
  void everyPodTemplateHasItsIdentityAndCommand() {
    JsonNode loop = Manifests.tree(LOOP);
    assertEquals("remediation-agent", loop.at("/spec/serviceAccountName").asText());
    assertTrue(loop.at("/spec/activeDeadlineSeconds").asInt() > 0, "workflow deadline");
    assertTrue(loop.at("/spec/podGC/strategy").isTextual(), "podGC");
    assertTrue(loop.at("/spec/ttlStrategy").isObject(), "ttlStrategy");
    int pods = 0;
    for (Path file :
        List.of(
            STATE_TEMPLATE, LOOP, Manifests.root().resolve("tasks/argo/gc-cronworkflow.yaml"))) {
      JsonNode doc = Manifests.tree(file);
      JsonNode list =
          doc.at("/spec/templates").isMissingNode()
              ? doc.at("/spec/workflowSpec/templates")
              : doc.at("/spec/templates");
      for (JsonNode template : list) {
        if (!template.has("container")) {
          continue;
        }
        pods++;
        String where = file.getFileName() + " " + template.path("name").asText();
        assertTrue(template.at("/container/command").size() > 0, where + " has no command");
        if (file.equals(LOOP)) {
          assertEquals("remediation-agent", template.path("serviceAccountName").asText(), where);
        }
      }
    }
    assertEquals(4 + 2 + 1, pods);
  }

  static List<JsonNode> templateRefCalls(JsonNode workflow) {
    List<JsonNode> calls = new ArrayList<>();
    for (JsonNode template : workflow.at("/spec/templates")) {
      for (JsonNode group : template.path("steps")) {
        for (JsonNode step : group) {
          if (step.has("templateRef")) {
            calls.add(step);
          }
        }
      }
    }
    return calls;
  }

  static Map<String, JsonNode> templates(JsonNode workflow) {
    Map<String, JsonNode> templates = new LinkedHashMap<>();
    workflow.at("/spec/templates").forEach(t -> templates.put(t.get("name").asText(), t));
    return templates;
  }

  static Map<String, String> outputs(JsonNode template) {
    Map<String, String> outputs = new LinkedHashMap<>();
    template
        .at("/outputs/parameters")
        .forEach(p -> outputs.put(p.get("name").asText(), p.at("/valueFrom/path").asText()));
    return outputs;
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  private static Map<String, String> prefixed(String prefix, Map<String, String> values) {
    Map<String, String> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(prefix + k, v));
    return out;
  }

  /** Argo's {{...}} substitution; a variable without a value fails. */
  private static String substitute(String value, Map<String, String> values) {
    return VARIABLE
        .matcher(value)
        .replaceAll(
            r -> {
              assertTrue(values.containsKey(r.group(1)), "no value for {{" + r.group(1) + "}}");
              return Matcher.quoteReplacement(values.get(r.group(1)));
            });
  }
}
