package dev.remediationstate.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The gc manifests are valid Kubernetes objects with the settings the README promises. */
class GcManifestsTest {
  static final Path CRONJOB = Path.of("..", "tasks", "gc", "0.1", "gc-cronjob.yaml");
  static final Path GC_RBAC = Path.of("..", "tasks", "rbac", "gc.yaml");
  static final Path CRON_WORKFLOW = Path.of("..", "tasks", "argo", "gc-cronworkflow.yaml");
  static final String IMAGE = "ghcr.io/remediation-state/remediation-state:0.1.0@sha256:";

  static List<HasMetadata> load(Path path) throws Exception {
    try (InputStream in = Files.newInputStream(path)) {
      Object parsed = new KubernetesSerialization().unmarshal(in);
      List<HasMetadata> objects = new ArrayList<>();
      if (parsed instanceof List<?> list) {
        list.forEach(o -> objects.add((HasMetadata) o));
      } else {
        objects.add((HasMetadata) parsed);
      }
      return objects;
    }
  }

  /** fabric8 keeps unknown fields in additionalProperties instead of failing: fail on them here. */
  static void assertNoUnknownFields(Object node, String where, Set<Object> seen) throws Exception {
    if (node == null || !seen.add(node)) {
      return;
    }
    if (node instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        assertNoUnknownFields(item, where + "[" + i++ + "]", seen);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        assertNoUnknownFields(e.getValue(), where + "." + e.getKey(), seen);
      }
      return;
    }
    if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method m : node.getClass().getMethods()) {
      if (m.getParameterCount() != 0
          || !m.getName().startsWith("get")
          || m.getDeclaringClass() == Object.class) {
        continue;
      }
      Object value = m.invoke(node);
      if (m.getName().equals("getAdditionalProperties")) {
        assertTrue(((Map<?, ?>) value).isEmpty(), where + ": unknown fields " + value);
      } else if (value instanceof KubernetesResource
          || value instanceof Collection
          || value instanceof Map
          || (value != null
              && value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model"))) {
        assertNoUnknownFields(value, where + "." + m.getName().substring(3), seen);
      }
    }
  }

  @Test
  void cronJobManifestIsValidAndLocksDown() throws Exception {
    List<HasMetadata> objects = new ArrayList<>(load(GC_RBAC));
    objects.addAll(load(CRONJOB));
    assertEquals(
        List.of("ServiceAccount", "Role", "RoleBinding", "CronJob"),
        objects.stream().map(HasMetadata::getKind).toList());
    for (HasMetadata o : objects) {
      assertNoUnknownFields(o, o.getKind(), Collections.newSetFromMap(new IdentityHashMap<>()));
    }
    CronJob cron = (CronJob) objects.get(3);
    assertEquals("0 */6 * * *", cron.getSpec().getSchedule());
    assertEquals("Forbid", cron.getSpec().getConcurrencyPolicy());
    assertTrue(cron.getSpec().getStartingDeadlineSeconds() > 0);
    assertTrue(cron.getSpec().getSuccessfulJobsHistoryLimit() > 0);
    assertTrue(cron.getSpec().getFailedJobsHistoryLimit() > 0);
    var job = cron.getSpec().getJobTemplate().getSpec();
    assertTrue(job.getActiveDeadlineSeconds() > 0, "a hung run must end");
    assertTrue(job.getBackoffLimit() > 0);
    var failurePolicy = job.getPodFailurePolicy().getRules().get(0);
    assertEquals("FailJob", failurePolicy.getAction());
    assertEquals("NotIn", failurePolicy.getOnExitCodes().getOperator());
    assertEquals(
        List.of(4, 6, 7, 8), failurePolicy.getOnExitCodes().getValues(), "retry only 4, 6, 7, 8");
    PodSpec pod = cron.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
    assertEquals("remediation-state-gc", pod.getServiceAccountName());
    assertTrue(pod.getSecurityContext().getRunAsNonRoot());
    Container gc = pod.getContainers().get(0);
    assertTrue(gc.getImage().startsWith(IMAGE), gc.getImage());
    assertEquals(List.of("gc"), gc.getArgs());
    assertTrue(gc.getSecurityContext().getReadOnlyRootFilesystem());
    assertFalse(gc.getSecurityContext().getAllowPrivilegeEscalation());
    assertEquals(65532L, gc.getSecurityContext().getRunAsUser());
    assertEquals(List.of("ALL"), gc.getSecurityContext().getCapabilities().getDrop());
    assertEquals("RuntimeDefault", gc.getSecurityContext().getSeccompProfile().getType());
    assertTrue(gc.getResources().getRequests().containsKey("memory"));
    assertTrue(gc.getResources().getLimits().containsKey("memory"));

    Role role = (Role) objects.get(1);
    assertEquals(1, role.getRules().size());
    PolicyRule rule = role.getRules().get(0);
    assertEquals(List.of("configmaps"), rule.getResources());
    assertEquals(List.of("list", "get", "patch", "delete"), rule.getVerbs());
  }

  @Test
  void argoCronWorkflowRunsTheSameGc() throws Exception {
    JsonNode wf = new ObjectMapper(new YAMLFactory()).readTree(CRON_WORKFLOW.toFile());
    assertEquals("CronWorkflow", wf.get("kind").asText());
    // Argo 4 accepts only the list; 3.6 and later accept both: ship the list alone.
    assertTrue(wf.at("/spec/schedule").isMissingNode(), "spec.schedule is rejected by Argo 4");
    assertEquals("[\"0 */6 * * *\"]", wf.at("/spec/schedules").toString());
    assertEquals("Forbid", wf.at("/spec/concurrencyPolicy").asText());
    assertTrue(wf.at("/spec/startingDeadlineSeconds").asInt() > 0);
    assertTrue(wf.at("/spec/successfulJobsHistoryLimit").asInt() > 0);
    assertTrue(wf.at("/spec/failedJobsHistoryLimit").asInt() > 0);
    JsonNode spec = wf.at("/spec/workflowSpec");
    assertTrue(spec.path("activeDeadlineSeconds").asInt() > 0, "a hung run must end (Forbid)");
    assertTrue(spec.at("/podGC/strategy").isTextual(), "podGC");
    assertTrue(spec.at("/ttlStrategy").isObject(), "ttlStrategy");
    JsonNode retry = spec.at("/templates/0/retryStrategy");
    assertTrue(retry.at("/backoff/duration").isTextual(), "retry with backoff");
    assertEquals(
        "asInt(lastRetry.exitCode) == 4 || asInt(lastRetry.exitCode) == 6"
            + " || asInt(lastRetry.exitCode) == 7 || asInt(lastRetry.exitCode) == 8",
        retry.path("expression").asText());
    JsonNode container = spec.at("/templates/0/container");
    assertTrue(container.get("image").asText().startsWith(IMAGE));
    assertTrue(container.get("command").size() > 0, "explicit command: no registry lookup");
    assertEquals("gc", container.at("/args/0").asText());
    assertTrue(container.at("/securityContext/readOnlyRootFilesystem").asBoolean());
    assertEquals("remediation-state-gc", wf.at("/spec/workflowSpec/serviceAccountName").asText());
  }
}
