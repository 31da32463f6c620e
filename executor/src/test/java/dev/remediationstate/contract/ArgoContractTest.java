package dev.remediationstate.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * The Argo examples against the executor. Argo has no fabric8 model, so the templates are read as
 * YAML trees: each executor template's action, arguments and environment must be options the action
 * takes, its output parameters exactly the results the action writes, read from the results
 * directory it passes; every step reference to an output must name one the template declares. Then
 * the executor templates run in loop order as the pods would.
 */
class ArgoContractTest {
  private static final String IMAGE = "ghcr.io/remediation-state/remediation-state:";
  private static final Pattern STEP_OUTPUT =
      Pattern.compile("\\{\\{steps\\.([a-z0-9-]+)\\.outputs\\.parameters\\.([a-z0-9-]+)}}");
  private static final Pattern VARIABLE = Pattern.compile("\\{\\{([a-z.-]+)}}");

  @TempDir static Path scratch;
  private static Map<String, Set<String>> produced;

  @BeforeAll
  static void runEveryAction() {
    produced = ExecutorContract.producedResults(scratch);
  }

  @Test
  void loopTemplatesMatchTheExecutorAndRunInLoopOrder() {
    Path file = Manifests.root().resolve("examples/argo/remediation-loop.yaml");
    JsonNode workflow = Manifests.tree(file);
    assertEquals("argoproj.io/v1alpha1/WorkflowTemplate", Manifests.typeOf(workflow));
    Map<String, JsonNode> templates = templates(workflow);
    Map<String, String> workflowParams = new LinkedHashMap<>();
    workflow
        .at("/spec/arguments/parameters")
        .forEach(p -> workflowParams.put(p.get("name").asText(), p.get("value").asText()));

    FakeStateStore store = new FakeStateStore();
    List<String> ran = new ArrayList<>();
    for (String action : List.of("init", "next-iteration", "record-feedback", "gate")) {
      JsonNode template = executorTemplate(templates, action);
      JsonNode container = template.get("container");
      List<String> args = new ArrayList<>();
      container.get("args").forEach(a -> args.add(a.asText()));
      Map<String, String> env = new LinkedHashMap<>();
      container.path("env").forEach(e -> env.put(e.get("name").asText(), e.get("value").asText()));

      Map<String, ExecutorContract.OptionContract> options = ExecutorContract.options(action);
      Set<String> envNames = new TreeSet<>();
      options.values().forEach(o -> envNames.add(o.env()));
      assertTrue(
          envNames.containsAll(env.keySet()), action + ": env " + env.keySet() + " vs " + envNames);
      for (String arg : args.subList(1, args.size())) {
        if (arg.startsWith("--")) {
          assertTrue(options.containsKey(arg.substring(2)), action + ": unknown option " + arg);
        }
      }
      String resultsDir = args.get(args.indexOf("--results-dir") + 1);

      Map<String, String> outputs = new LinkedHashMap<>();
      template
          .at("/outputs/parameters")
          .forEach(p -> outputs.put(p.get("name").asText(), p.at("/valueFrom/path").asText()));
      assertEquals(
          produced.get(action), outputs.keySet(), action + " output parameters vs results");
      outputs.forEach(
          (name, path) -> assertEquals(resultsDir + "/" + name, path, action + " output " + name));

      Path dir = scratch.resolve("argo-" + action);
      Map<String, String> values = new LinkedHashMap<>();
      workflowParams.forEach((k, v) -> values.put("workflow.parameters." + k, v));
      values.put("workflow.uid", "5f0c8a52-1b7e-4c1d-8e2f-0a9b8c7d6e5f");
      values.put("inputs.parameters.turn", "1");
      values.put("inputs.parameters.feedback", ExecutorContract.FINDING);
      List<String> podArgs = new ArrayList<>();
      for (String arg : args) {
        podArgs.add(arg.equals(resultsDir) ? dir.toString() : substitute(arg, values));
      }
      Map<String, String> podEnv = new LinkedHashMap<>();
      env.forEach((k, v) -> podEnv.put(k, substitute(v, values)));
      ExecutorContract.Run run = ExecutorContract.run(store, podArgs, podEnv, Optional.empty());
      assertEquals(0, run.exitCode(), action + ": " + run.err());
      assertEquals(
          outputs.keySet(),
          ExecutorContract.fileNames(dir),
          action + " files for output parameters");
      ran.add(action);
    }
    assertEquals(4, ran.size());
  }

  @Test
  void everyStepReferenceNamesATemplateAndAnOutputItDeclares() {
    JsonNode workflow =
        Manifests.tree(Manifests.root().resolve("examples/argo/remediation-loop.yaml"));
    Map<String, JsonNode> templates = templates(workflow);
    assertTrue(templates.containsKey(workflow.at("/spec/entrypoint").asText()), "entrypoint");
    List<String> whens = new ArrayList<>();
    for (JsonNode template : templates.values()) {
      Map<String, String> stepTemplates = new LinkedHashMap<>();
      template
          .path("steps")
          .forEach(
              group ->
                  group.forEach(
                      step -> {
                        String target = step.get("template").asText();
                        assertTrue(templates.containsKey(target), "unknown template " + target);
                        stepTemplates.put(step.get("name").asText(), target);
                        if (step.has("when")) {
                          whens.add(step.get("when").asText());
                        }
                      }));
      Matcher m = STEP_OUTPUT.matcher(template.toString());
      while (m.find()) {
        JsonNode target = templates.get(stepTemplates.get(m.group(1)));
        assertTrue(target != null, "reference to unknown step " + m.group(1));
        Set<String> declared = new TreeSet<>();
        target.at("/outputs/parameters").forEach(p -> declared.add(p.get("name").asText()));
        assertTrue(
            declared.contains(m.group(2)), "steps." + m.group(1) + " has no output " + m.group(2));
      }
    }
    assertTrue(
        whens.contains("{{steps.gate.outputs.parameters.decision}} == continue"), whens::toString);
    JsonNode again = null;
    for (JsonNode group : templates.get("turn").get("steps")) {
      for (JsonNode step : group) {
        if (step.get("template").asText().equals("turn")) {
          again = step;
        }
      }
    }
    assertTrue(again != null && again.has("when"), "the turn template recurses only under a when");
  }

  private static Map<String, JsonNode> templates(JsonNode workflow) {
    Map<String, JsonNode> templates = new LinkedHashMap<>();
    workflow.at("/spec/templates").forEach(t -> templates.put(t.get("name").asText(), t));
    return templates;
  }

  private static JsonNode executorTemplate(Map<String, JsonNode> templates, String action) {
    return templates.values().stream()
        .filter(t -> t.at("/container/image").asText().startsWith(IMAGE))
        .filter(t -> t.at("/container/args/0").asText().equals(action))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no template runs " + action));
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
