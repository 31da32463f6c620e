package dev.remediationstate.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remediationstate.store.FakeStateStore;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.tekton.v1.ParamSpec;
import io.fabric8.tekton.v1.Pipeline;
import io.fabric8.tekton.v1.PipelineRun;
import io.fabric8.tekton.v1.PipelineTask;
import io.fabric8.tekton.v1.Step;
import io.fabric8.tekton.v1.Task;
import io.fabric8.tekton.v1.WhenExpression;
import io.fabric8.tekton.v1beta1.StepAction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Tekton Task, StepAction, RBAC and example Pipeline against the executor: every param is an
 * option and every option a param, every result is produced and every produced result declared, and
 * the step, run as Tekton would run it, writes the results it declares.
 */
class TektonContractTest {
  private static final Path TASK_FILE =
      Manifests.root().resolve("tasks/task/remediation-state/0.1/remediation-state.yaml");
  private static final Path STEP_ACTION_FILE =
      Manifests.root().resolve("tasks/stepaction/remediation-state/0.1/remediation-state.yaml");

  /**
   * The kubelet keeps 4096 bytes of termination message per container; Tekton's entrypoint adds its
   * own entries to the same JSON array: StartedAt ({"key":"StartedAt","value":"2026-01-01T00:
   * 00:00.000Z","type":3}, 62 bytes and a comma), and on failure ExitCode (about 40) and Reason
   * (about 45). 512 bytes of headroom cover them with room to spare.
   */
  static final int TEKTON_HEADROOM = 512;

  private static final Pattern PARAM = Pattern.compile("\\$\\(params\\.([a-z0-9-]+)\\)");
  private static final Pattern STEP_RESULT_PATH =
      Pattern.compile("\\$\\(step\\.results\\.([a-z0-9-]+)\\.path\\)");
  private static final Pattern TASK_RESULT =
      Pattern.compile("\\$\\(tasks\\.([a-z0-9-]+)\\.results\\.([a-z0-9-]+)\\)");
  private static final String TASK_RUN_UID = "0b6c3c2e-7a1f-4d2b-9f5e-3d1c2b4a5e6f";

  /**
   * Results the Task declares ahead of the executor: record-feedback gains them with the history
   * and faults work. Remove a name here once the executor produces it.
   */
  static final Set<String> DECLARED_AHEAD = Set.of();

  @TempDir static Path scratch;
  private static Map<String, Set<String>> produced;

  @BeforeAll
  static void runEveryAction() {
    produced = ExecutorContract.producedResults(scratch);
  }

  @Test
  void everySubcommandIsEitherOfferedByTheTaskOrDeliberatelyNot() {
    for (String sub : ExecutorContract.subcommands()) {
      assertTrue(
          ExecutorContract.TASK_ACTIONS.contains(sub) || ExecutorContract.NOT_IN_TASK.contains(sub),
          "subcommand " + sub + " is in neither TASK_ACTIONS nor NOT_IN_TASK");
    }
    assertTrue(ExecutorContract.subcommands().containsAll(ExecutorContract.TASK_ACTIONS));
  }

  @Test
  void taskParamsAreExactlyTheExecutorOptionsWithTheirDefaults() {
    Task task = Manifests.strict(TASK_FILE, Task.class);
    checkParams(task.getSpec().getParams(), Set.of("request-id", "results-limit"), "Task");
    assertEquals("$(context.taskRun.uid)", defaultOf(task.getSpec().getParams(), "request-id"));
    // One step in the pod: min(4096, 12288 / 1) - headroom.
    assertEquals(
        String.valueOf(4096 - TEKTON_HEADROOM),
        defaultOf(task.getSpec().getParams(), "results-limit"));
  }

  @Test
  void stepActionParamsAreExactlyTheExecutorOptionsWithTheirDefaults() {
    StepAction action = Manifests.strict(STEP_ACTION_FILE, StepAction.class);
    checkParams(action.getSpec().getParams(), Set.of("request-id", "results-limit"), "StepAction");
    assertNull(
        defaultOf(action.getSpec().getParams(), "request-id"), "the Task must pass request-id");
    // Up to three containers in the pod: min(4096, 12288 / 3) - headroom.
    assertEquals(
        String.valueOf(Math.min(4096, 12288 / 3) - TEKTON_HEADROOM),
        defaultOf(action.getSpec().getParams(), "results-limit"));
  }

  @Test
  void taskResultsAreExactlyWhatTheActionsProduce() {
    Task task = Manifests.strict(TASK_FILE, Task.class);
    Set<String> declared = new TreeSet<>();
    task.getSpec().getResults().forEach(r -> declared.add(r.getName()));
    checkResults(declared, "Task");
  }

  @Test
  void stepActionResultsAreExactlyWhatTheActionsProduce() {
    StepAction action = Manifests.strict(STEP_ACTION_FILE, StepAction.class);
    Set<String> declared = new TreeSet<>();
    action.getSpec().getResults().forEach(r -> declared.add(r.getName()));
    checkResults(declared, "StepAction");
  }

  @Test
  void taskStepRunsEveryActionAndWritesOnlyDeclaredResults() {
    Task task = Manifests.strict(TASK_FILE, Task.class);
    assertEquals(1, task.getSpec().getSteps().size());
    Step step = task.getSpec().getSteps().get(0);
    checkNonRoot(step.getSecurityContext(), "Task step");
    assertNull(step.getScript(), "params must not be interpolated into a script");
    assertEquals(
        Manifests.imageEntrypoint(),
        step.getCommand(),
        "the command is the image's entrypoint, so Tekton never looks it up in the registry");
    Set<String> declared =
        task.getSpec().getResults().stream().map(r -> r.getName()).collect(Collectors.toSet());
    FakeStateStore store = new FakeStateStore();
    for (Map.Entry<String, Map<String, String>> turn : turns().entrySet()) {
      String action = turn.getKey();
      Map<String, String> params = paramValues(task.getSpec().getParams(), turn.getValue());
      Path results = scratch.resolve("task-" + action);
      List<String> args = substitute(step.getArgs(), params, Map.of());
      Map<String, String> env = env(step.getEnv(), params, Map.of());
      ExecutorContract.Run run = ExecutorContract.run(store, args, env, Optional.of(results));
      assertEquals(0, run.exitCode(), action + ": " + run.err());
      Map<String, String> written = ExecutorContract.readResults(results);
      assertEquals(produced.get(action), written.keySet(), action + " results");
      assertTrue(
          declared.containsAll(written.keySet()),
          action + " wrote undeclared results " + written.keySet());
      written
          .values()
          .forEach(v -> assertTrue(!v.endsWith("\n"), action + ": a result ends with a newline"));
    }
  }

  @Test
  void stepActionRunsEveryActionIntoItsStepResultsDirectory() {
    StepAction stepAction = Manifests.strict(STEP_ACTION_FILE, StepAction.class);
    var spec = stepAction.getSpec();
    checkNonRoot(spec.getSecurityContext(), "StepAction");
    assertNull(spec.getScript(), "params must not be interpolated into a script");
    assertEquals(
        Manifests.imageEntrypoint(),
        spec.getCommand(),
        "the command is the image's entrypoint, so Tekton never looks it up in the registry");
    FakeStateStore store = new FakeStateStore();
    for (Map.Entry<String, Map<String, String>> turn : turns().entrySet()) {
      String action = turn.getKey();
      Map<String, String> given = new LinkedHashMap<>(turn.getValue());
      given.put("request-id", TASK_RUN_UID);
      Map<String, String> params = paramValues(spec.getParams(), given);
      // Tekton: $(step.results.<name>.path) = /tekton/steps/step-<step>/results/<name>
      Path stepResults = scratch.resolve("steps/step-" + action + "/results");
      Map<String, String> stepPaths = new LinkedHashMap<>();
      spec.getResults()
          .forEach(r -> stepPaths.put(r.getName(), stepResults.resolve(r.getName()).toString()));
      List<String> args = substitute(spec.getArgs(), params, stepPaths);
      Map<String, String> env = env(spec.getEnv(), params, stepPaths);
      ExecutorContract.Run run =
          ExecutorContract.run(store, args, env, Optional.of(scratch.resolve("unused")));
      assertEquals(0, run.exitCode(), action + ": " + run.err());
      assertEquals(
          produced.get(action), ExecutorContract.fileNames(stepResults), action + " step results");
      assertTrue(
          ExecutorContract.fileNames(scratch.resolve("unused")).isEmpty(),
          "wrote to /tekton/results");
    }
  }

  @Test
  void roleGrantsExactlyTheVerbsTheActionsUse() {
    Role role = Manifests.strict(Manifests.root().resolve("tasks/rbac/role.yaml"), Role.class);
    assertEquals(1, role.getRules().size(), "one rule: configmaps");
    PolicyRule rule = role.getRules().get(0);
    assertEquals(List.of(""), rule.getApiGroups());
    assertEquals(List.of("configmaps"), rule.getResources());
    FakeStateStore store = new FakeStateStore();
    for (Map.Entry<String, Map<String, String>> turn : turns().entrySet()) {
      List<String> args =
          new ArrayList<>(
              List.of(turn.getKey(), "--task-id", "rbac", "--request-id", "rbac-" + turn.getKey()));
      turn.getValue()
          .forEach(
              (k, v) -> {
                if (!k.equals("action") && !k.equals("task-id")) {
                  args.add("--" + k);
                  args.add(v);
                }
              });
      args.add("--results-dir");
      args.add(scratch.resolve("rbac-" + turn.getKey()).toString());
      assertEquals(0, ExecutorContract.run(store, args, Map.of(), Optional.empty()).exitCode());
    }
    assertEquals(store.verbs(), new HashSet<>(rule.getVerbs()));
  }

  @Test
  void pipelineReferencesOnlyResultsItsTasksProduce() {
    Pipeline pipeline =
        Manifests.strict(Manifests.root().resolve("examples/tekton/pipeline.yaml"), Pipeline.class);
    Map<String, String> actionOf = new LinkedHashMap<>();
    Map<String, Set<String>> inlineResults = new LinkedHashMap<>();
    for (PipelineTask t : allTasks(pipeline)) {
      if (t.getTaskRef() != null) {
        assertEquals("remediation-state", t.getTaskRef().getName(), t.getName());
        String action =
            t.getParams().stream()
                .filter(p -> p.getName().equals("action"))
                .findFirst()
                .orElseThrow(() -> new AssertionError(t.getName() + " has no action"))
                .getValue()
                .getStringVal();
        assertTrue(ExecutorContract.TASK_ACTIONS.contains(action), t.getName() + ": " + action);
        actionOf.put(t.getName(), action);
      } else {
        Set<String> names = new TreeSet<>();
        if (t.getTaskSpec().getResults() != null) {
          t.getTaskSpec().getResults().forEach(r -> names.add(r.getName()));
        }
        inlineResults.put(t.getName(), names);
      }
    }
    List<String> references = new ArrayList<>();
    String text =
        Manifests.tree(Manifests.root().resolve("examples/tekton/pipeline.yaml")).toString();
    Matcher m = TASK_RESULT.matcher(text);
    while (m.find()) {
      String task = m.group(1);
      String result = m.group(2);
      references.add(task + "." + result);
      Set<String> available =
          actionOf.containsKey(task) ? produced.get(actionOf.get(task)) : inlineResults.get(task);
      assertTrue(
          available != null && available.contains(result),
          "$(tasks." + task + ".results." + result + ") is not produced by " + task);
    }
    assertTrue(references.contains("next.started"), references::toString);
    assertTrue(references.contains("gate.decision"), references::toString);
    for (PipelineTask t : allTasks(pipeline)) {
      if (t.getWhen() != null) {
        for (WhenExpression when : t.getWhen()) {
          assertTrue(
              when.getValues().stream()
                  .allMatch(
                      v ->
                          v.equals("true")
                              || v.equals("false")
                              || v.equals("Failed")
                              || v.equals("continue")
                              || v.equals("complete")
                              || v.equals("stop")),
              "when values " + when.getValues());
        }
      }
    }
  }

  /**
   * Least privilege per pipeline task: by default a TaskRun runs as remediation-agent with no
   * token; exactly the pipeline tasks that run remediation-state get its ServiceAccount. And no
   * RoleBinding anywhere gives remediation-agent access to ConfigMaps.
   */
  @Test
  void pipelineRunGivesTheStateIdentityToExactlyTheStateTasks() {
    Path root = Manifests.root();
    Pipeline pipeline =
        Manifests.strict(root.resolve("examples/tekton/pipeline.yaml"), Pipeline.class);
    PipelineRun run =
        Manifests.strict(root.resolve("examples/tekton/pipelinerun.yaml"), PipelineRun.class);
    var template = run.getSpec().getTaskRunTemplate();
    assertEquals("remediation-agent", template.getServiceAccountName());
    assertEquals(Boolean.FALSE, template.getPodTemplate().getAutomountServiceAccountToken());
    Map<String, String> identity = new LinkedHashMap<>();
    run.getSpec()
        .getTaskRunSpecs()
        .forEach(spec -> identity.put(spec.getPipelineTaskName(), spec.getServiceAccountName()));
    Set<String> stateTasks = new TreeSet<>();
    for (PipelineTask t : allTasks(pipeline)) {
      if (t.getTaskRef() != null && "remediation-state".equals(t.getTaskRef().getName())) {
        stateTasks.add(t.getName());
        assertEquals("remediation-state", identity.get(t.getName()), t.getName());
      } else {
        assertFalse(
            identity.containsKey(t.getName()), t.getName() + " must keep the agent identity");
      }
    }
    assertEquals(stateTasks, identity.keySet(), "taskRunSpecs name only state tasks");

    for (Path file : Manifests.yamlFiles("tasks", "examples")) {
      for (JsonNode doc : Manifests.documents(file)) {
        if (!Manifests.typeOf(doc).equals("rbac.authorization.k8s.io/v1/RoleBinding")) {
          continue;
        }
        boolean agent = false;
        for (JsonNode subject : doc.path("subjects")) {
          agent |= subject.path("name").asText().equals("remediation-agent");
        }
        if (agent) {
          String role = doc.at("/roleRef/name").asText();
          assertFalse(
              rulesOf(role).contains("configmaps"),
              file + ": remediation-agent is bound to " + role + ", which reaches ConfigMaps");
        }
      }
    }
  }

  /**
   * Deadlines everywhere, retries on the state tasks, and a finally task that records a failed
   * turn: record-feedback under when $(tasks.status) in [Failed], with a finding the executor
   * accepts once the context variables are filled in.
   */
  @Test
  void pipelineHasDeadlinesAndRecordsAFailedTurn() {
    Path root = Manifests.root();
    Pipeline pipeline =
        Manifests.strict(root.resolve("examples/tekton/pipeline.yaml"), Pipeline.class);
    PipelineRun run =
        Manifests.strict(root.resolve("examples/tekton/pipelinerun.yaml"), PipelineRun.class);
    var timeouts = run.getSpec().getTimeouts();
    assertTrue(
        timeouts.getPipeline() != null
            && timeouts.getTasks() != null
            && timeouts.getFinally() != null,
        "PipelineRun timeouts: pipeline, tasks and finally");
    for (PipelineTask t : allTasks(pipeline)) {
      assertTrue(t.getTimeout() != null, t.getName() + " has no timeout");
      if (t.getTaskRef() != null) {
        assertTrue(t.getRetries() != null && t.getRetries() > 0, t.getName() + " retries");
      }
    }
    PipelineTask recordFailure =
        pipeline.getSpec().getFinally().stream()
            .filter(t -> t.getTaskRef() != null)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no finally task records the failure"));
    assertEquals("record-feedback", paramOf(recordFailure, "action"));
    assertTrue(
        recordFailure.getWhen().stream()
            .anyMatch(
                w ->
                    w.getInput().equals("$(tasks.status)")
                        && w.getValues().equals(List.of("Failed"))),
        "record-failure runs only when the turn failed");
    String finding =
        paramOf(recordFailure, "feedback")
            .replace("$(context.pipelineRun.name)", "remediation-turn-x7k2q")
            .replace("$(context.pipelineRun.uid)", TASK_RUN_UID);
    FakeStateStore store = new FakeStateStore();
    List<List<String>> runs =
        List.of(
            List.of("init"),
            List.of("next-iteration"),
            List.of("record-feedback", "--feedback", finding),
            List.of("record-feedback", "--feedback", finding));
    for (int i = 0; i < runs.size(); i++) {
      List<String> all = new ArrayList<>(runs.get(i));
      all.addAll(List.of("--task-id", "failed-turn", "--request-id", "failed-" + i));
      all.addAll(List.of("--results-dir", scratch.resolve("failed-" + i).toString()));
      ExecutorContract.Run result = ExecutorContract.run(store, all, Map.of(), Optional.empty());
      assertEquals(0, result.exitCode(), runs.get(i).get(0) + ": " + result.err());
      if (i == 3) {
        assertEquals(
            "false",
            ExecutorContract.readResults(scratch.resolve("failed-" + i)).get("recorded"),
            "a second failure record of the same run is a duplicate (sourceRef)");
      }
    }
  }

  /** Every use of the StepAction passes the TaskRun's uid, stable across retries, as request id. */
  @Test
  void everyStepActionUsePassesTheTaskRunUid() {
    List<String> uses = new ArrayList<>();
    for (Path file : Manifests.yamlFiles("tasks", "examples")) {
      for (JsonNode doc : Manifests.documents(file)) {
        ManifestsTest.forEachObject(
            doc,
            "",
            (path, node) -> {
              if (node.path("ref").path("name").asText().equals("remediation-state")) {
                String requestId = "";
                for (JsonNode p : node.path("params")) {
                  if (p.path("name").asText().equals("request-id")) {
                    requestId = p.path("value").asText();
                  }
                }
                uses.add(file + path);
                assertEquals("$(context.taskRun.uid)", requestId, file + path);
              }
            });
      }
    }
    assertTrue(uses.size() >= 3, uses::toString);
  }

  private static Set<String> rulesOf(String role) {
    Set<String> resources = new TreeSet<>();
    for (Path file : Manifests.yamlFiles("tasks", "examples")) {
      for (JsonNode doc : Manifests.documents(file)) {
        if (Manifests.typeOf(doc).equals("rbac.authorization.k8s.io/v1/Role")
            && doc.at("/metadata/name").asText().equals(role)) {
          doc.path("rules")
              .forEach(r -> r.path("resources").forEach(x -> resources.add(x.asText())));
        }
      }
    }
    return resources;
  }

  private static String paramOf(PipelineTask task, String name) {
    return task.getParams().stream()
        .filter(p -> p.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(task.getName() + " has no param " + name))
        .getValue()
        .getStringVal();
  }

  static List<PipelineTask> allTasks(Pipeline pipeline) {
    List<PipelineTask> all = new ArrayList<>(pipeline.getSpec().getTasks());
    if (pipeline.getSpec().getFinally() != null) {
      all.addAll(pipeline.getSpec().getFinally());
    }
    return all;
  }

  private void checkParams(List<ParamSpec> params, Set<String> ownDefaults, String where) {
    Map<String, ExecutorContract.OptionContract> options =
        ExecutorContract.options(ExecutorContract.TASK_ACTIONS);
    Set<String> expected = new TreeSet<>(options.keySet());
    expected.removeAll(ExecutorContract.SET_BY_TASK);
    expected.add("action");
    expected.add("task-id");
    Set<String> declared =
        params.stream().map(ParamSpec::getName).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(expected, declared, where + " params vs executor options");
    for (ParamSpec param : params) {
      ExecutorContract.OptionContract option = options.get(param.getName());
      if (option == null
          || ownDefaults.contains(param.getName())
          || param.getName().equals("task-id")) {
        continue;
      }
      // An empty environment variable is a value, not an absent one: the defaults must agree.
      assertEquals(
          option.defaultValue(),
          defaultOf(params, param.getName()),
          where + " param " + param.getName() + " default vs --" + option.name());
    }
  }

  private static void checkResults(Set<String> declared, String where) {
    Set<String> all = new TreeSet<>();
    produced.values().forEach(all::addAll);
    Set<String> missing = new TreeSet<>(all);
    missing.removeAll(declared);
    assertEquals(Set.of(), missing, where + " does not declare results the executor writes");
    Set<String> extra = new TreeSet<>(declared);
    extra.removeAll(all);
    extra.removeAll(DECLARED_AHEAD);
    assertEquals(Set.of(), extra, where + " declares results no action writes");
  }

  private static void checkNonRoot(SecurityContext context, String where) {
    assertEquals(Boolean.TRUE, context.getRunAsNonRoot(), where);
    assertEquals(65532L, context.getRunAsUser(), where);
    assertEquals(Boolean.FALSE, context.getAllowPrivilegeEscalation(), where);
  }

  /** What each action gets besides the Task's defaults, in the order a loop runs them. */
  private static Map<String, Map<String, String>> turns() {
    Map<String, Map<String, String>> turns = new LinkedHashMap<>();
    turns.put("init", Map.of("action", "init", "task-id", "contract-task", "max-iterations", "3"));
    turns.put("next-iteration", Map.of("action", "next-iteration", "task-id", "contract-task"));
    turns.put(
        "record-feedback",
        Map.of(
            "action",
            "record-feedback",
            "task-id",
            "contract-task",
            "feedback",
            ExecutorContract.FINDING));
    turns.put("gate", Map.of("action", "gate", "task-id", "contract-task"));
    turns.put("show", Map.of("action", "show", "task-id", "contract-task"));
    return turns;
  }

  private static String defaultOf(List<ParamSpec> params, String name) {
    ParamSpec param =
        params.stream().filter(p -> p.getName().equals(name)).findFirst().orElseThrow();
    return param.getDefault() == null ? null : param.getDefault().getStringVal();
  }

  /** Param values as Tekton resolves them: given values, else defaults, with context variables. */
  private static Map<String, String> paramValues(List<ParamSpec> specs, Map<String, String> given) {
    Map<String, String> values = new LinkedHashMap<>();
    for (ParamSpec spec : specs) {
      String value =
          given.containsKey(spec.getName())
              ? given.get(spec.getName())
              : defaultOf(specs, spec.getName());
      assertTrue(value != null, "param " + spec.getName() + " has no default and no value");
      values.put(spec.getName(), value.replace("$(context.taskRun.uid)", TASK_RUN_UID));
    }
    return values;
  }

  private static Map<String, String> env(
      List<EnvVar> vars, Map<String, String> params, Map<String, String> stepPaths) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : vars) {
      env.put(var.getName(), substitute(List.of(var.getValue()), params, stepPaths).get(0));
    }
    return env;
  }

  /** Tekton's substitution of $(params.x) and $(step.results.x.path); anything else left fails. */
  private static List<String> substitute(
      List<String> values, Map<String, String> params, Map<String, String> stepPaths) {
    List<String> out = new ArrayList<>();
    for (String value : values) {
      String v =
          PARAM
              .matcher(value)
              .replaceAll(
                  r -> {
                    assertTrue(params.containsKey(r.group(1)), "undeclared param " + r.group(1));
                    return Matcher.quoteReplacement(params.get(r.group(1)));
                  });
      v =
          STEP_RESULT_PATH
              .matcher(v)
              .replaceAll(
                  r -> {
                    assertTrue(
                        stepPaths.containsKey(r.group(1)), "undeclared step result " + r.group(1));
                    return Matcher.quoteReplacement(stepPaths.get(r.group(1)));
                  });
      out.add(v);
    }
    return out;
  }
}
