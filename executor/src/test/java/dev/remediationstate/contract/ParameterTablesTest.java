package dev.remediationstate.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's tables are the public contract of the shipped YAML: every param, result and
 * environment variable of every Task, StepAction and Argo template is listed, with the environment
 * variable it reaches, the templates that take it, its default, and the results of each action.
 */
class ParameterTablesTest {
  private static final Pattern PARAM_ENV = Pattern.compile("\\$\\(params\\.([a-z0-9-]+)\\)");
  private static final Pattern INPUT_ENV =
      Pattern.compile("\\{\\{inputs\\.parameters\\.([a-z0-9-]+)}}");

  @TempDir static Path scratch;
  private static Map<String, Set<String>> produced;
  private static String readme;

  @BeforeAll
  static void read() throws IOException {
    produced = ExecutorContract.producedResults(scratch);
    readme = Files.readString(Manifests.root().resolve("README.md"));
  }

  @Test
  void parameterTableListsEveryParamWithItsEnvTemplatesAndDefault() {
    JsonNode task = Manifests.tree(taskFile());
    JsonNode stepAction = Manifests.tree(stepActionFile());
    Map<String, JsonNode> taskParams = byName(task.at("/spec/params"));
    assertEquals(taskParams.keySet(), byName(stepAction.at("/spec/params")).keySet());
    Map<String, String> taskEnv = envOf(task.at("/spec/steps/0/env"), PARAM_ENV);
    assertEquals(taskEnv, envOf(stepAction.at("/spec/env"), PARAM_ENV));

    Map<String, Set<String>> argoTemplatesOf = new TreeMap<>();
    Map<String, String> argoEnv = new TreeMap<>();
    for (JsonNode t : Manifests.tree(ArgoContractTest.STATE_TEMPLATE).at("/spec/templates")) {
      for (JsonNode p : t.at("/inputs/parameters")) {
        argoTemplatesOf
            .computeIfAbsent(p.get("name").asText(), k -> new TreeSet<>())
            .add(t.get("name").asText());
      }
      argoEnv.putAll(envOf(t.at("/container/env"), INPUT_ENV));
    }

    Map<String, List<String>> rows = rows(table("| Param | Env |"));
    Set<String> expected = new TreeSet<>(taskParams.keySet());
    expected.addAll(argoTemplatesOf.keySet());
    assertEquals(expected, rows.keySet(), "README parameter table vs the shipped params");
    for (Map.Entry<String, List<String>> row : rows.entrySet()) {
      String name = row.getKey();
      List<String> cells = row.getValue();
      String where = "README param " + name;
      boolean inTask = taskParams.containsKey(name);
      assertEquals(inTask ? "✓" : "—", cells.get(2), where + ": Task, StepAction column");
      String env = taskEnv.getOrDefault(name, argoEnv.get(name));
      if (env != null) {
        assertEquals(env, cells.get(1), where + ": env");
      }
      if (argoEnv.containsKey(name)) {
        assertEquals(argoEnv.get(name), env, where + ": Argo and Tekton env differ");
      }
      Set<String> listed = new TreeSet<>();
      if (!cells.get(3).startsWith("—")) {
        Arrays.stream(cells.get(3).split(",")).map(String::trim).forEach(listed::add);
      }
      assertEquals(
          argoTemplatesOf.getOrDefault(name, Set.of()), listed, where + ": Argo templates");
      JsonNode spec = taskParams.get(name);
      if (spec != null && spec.has("default")) {
        String d = spec.get("default").asText();
        String shown = d.isEmpty() ? "\"\"" : d;
        assertTrue(cells.get(4).contains(shown), where + ": default " + shown + " not shown");
      }
    }
  }

  @Test
  void resultTableListsExactlyWhatEachActionWrites() {
    List<List<String>> table = table("| Result | init |");
    List<String> header = table.get(0);
    Map<String, List<String>> rows = rows(table);
    Set<String> taskResults = byName(Manifests.tree(taskFile()).at("/spec/results")).keySet();
    assertEquals(taskResults, rows.keySet(), "README result table vs the Task's results");
    assertEquals(
        taskResults, byName(Manifests.tree(stepActionFile()).at("/spec/results")).keySet());
    Map<String, JsonNode> argo =
        ArgoContractTest.templates(Manifests.tree(ArgoContractTest.STATE_TEMPLATE));
    for (int column = 1; column < header.size() - 1; column++) {
      String action = header.get(column);
      Set<String> marked = new TreeSet<>();
      for (Map.Entry<String, List<String>> row : rows.entrySet()) {
        if (row.getValue().get(column).equals("✓")) {
          marked.add(row.getKey());
        }
      }
      assertEquals(produced.get(action), marked, "README results of " + action);
      assertEquals(
          ArgoContractTest.outputs(argo.get(action)).keySet(), marked, "Argo outputs of " + action);
    }
  }

  @Test
  void gcTableListsTheCronWorkflowParamsAndEveryGcEnv() {
    Map<String, List<String>> rows = rows(table("| gc param (CronWorkflow) |"));
    JsonNode cron = Manifests.tree(Manifests.root().resolve("tasks/argo/gc-cronworkflow.yaml"));
    Set<String> params = new TreeSet<>();
    cron.at("/spec/workflowSpec/arguments/parameters")
        .forEach(p -> params.add(p.get("name").asText()));
    Set<String> listed = new TreeSet<>(rows.keySet());
    listed.remove("—");
    assertEquals(params, listed, "README gc table vs the CronWorkflow's parameters");
  }

  /**
   * Every environment variable a shipped Task, StepAction, template, CronJob or CronWorkflow sets
   * is named in the README (samples and catalog tests are examples, not the contract).
   */
  @Test
  void everyEnvironmentVariableOfTheShippedYamlIsInTheReadme() {
    Set<String> names = new TreeSet<>();
    for (Path file : Manifests.yamlFiles("tasks")) {
      if (file.toString().contains("/samples/") || file.toString().contains("/tests/")) {
        continue;
      }
      for (JsonNode document : Manifests.documents(file)) {
        ManifestsTest.forEachObject(
            document,
            "",
            (path, node) -> {
              if (path.endsWith(".env") || node.has("env") && node.get("env").isArray()) {
                node.path("env").forEach(e -> names.add(e.path("name").asText()));
              }
            });
      }
    }
    names.remove("");
    assertTrue(names.size() >= 20, names::toString);
    List<String> missing = new ArrayList<>();
    for (String name : names) {
      if (!readme.contains("`" + name + "`")) {
        missing.add(name);
      }
    }
    assertEquals(List.of(), missing, "environment variables the README does not name");
  }

  /** The rows of the first Markdown table whose header line starts with {@code header}. */
  private static List<List<String>> table(String header) {
    List<List<String>> table = new ArrayList<>();
    boolean in = false;
    for (String line : readme.split("\n")) {
      if (!in && line.startsWith(header)) {
        in = true;
      }
      if (in) {
        if (!line.startsWith("|")) {
          break;
        }
        if (line.matches("\\|[-:| ]+\\|")) {
          continue;
        }
        List<String> cells = new ArrayList<>();
        String[] split = line.substring(1, line.length() - 1).split("\\|", -1);
        for (String cell : split) {
          cells.add(cell.trim().replace("`", ""));
        }
        table.add(cells);
      }
    }
    assertTrue(table.size() > 1, "README has no table starting " + header);
    return table;
  }

  private static Map<String, List<String>> rows(List<List<String>> table) {
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (List<String> row : table.subList(1, table.size())) {
      rows.put(row.get(0), row);
    }
    return rows;
  }

  private static Map<String, JsonNode> byName(JsonNode list) {
    Map<String, JsonNode> byName = new TreeMap<>();
    list.forEach(n -> byName.put(n.get("name").asText(), n));
    return byName;
  }

  private static Map<String, String> envOf(JsonNode env, Pattern reference) {
    Map<String, String> byParam = new TreeMap<>();
    for (JsonNode e : env) {
      Matcher m = reference.matcher(e.path("value").asText());
      if (m.matches()) {
        byParam.put(m.group(1), e.get("name").asText());
      }
    }
    return byParam;
  }

  private static Path taskFile() {
    return Manifests.root().resolve("tasks/task/remediation-state/0.1/remediation-state.yaml");
  }

  private static Path stepActionFile() {
    return Manifests.root()
        .resolve("tasks/stepaction/remediation-state/0.1/remediation-state.yaml");
  }
}
