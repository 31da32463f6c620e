package dev.remediationstate.serve;

import dev.remediationstate.failure.RemediationException;
import dev.remediationstate.kube.ConfigMapStateStore;
import dev.remediationstate.recovery.Diagnosis;
import dev.remediationstate.recovery.Recovery;
import dev.remediationstate.recovery.StateCheck;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.RetryPolicy;
import dev.remediationstate.store.Sleeper;
import dev.remediationstate.store.StateConfigMap;
import dev.remediationstate.store.StateObject;
import dev.remediationstate.store.Transaction;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovery when this replica becomes leader: every state ConfigMap in scope is checked with the
 * {@code recover} command's {@link StateCheck}; each damaged one is reported (a Warning Event
 * {@code StateDamaged} on the ConfigMap, {@code remediation_damaged_states}) and, only with {@code
 * --repair-on-start}, repaired in one conditional write by {@link Recovery} (Event {@code
 * Repaired}), exactly as {@code recover --repair} does. States of a newer schema are reported,
 * never repaired.
 */
public final class StartupRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(StartupRecovery.class);

  /** What one pass found. */
  public record Report(int checked, int damaged, int repaired) {}

  private final KubernetesClient client;
  private final WatchScope scope;
  private final boolean repair;
  private final EventSink events;
  private final ServeMetrics metrics;
  private final Clock clock;

  public StartupRecovery(
      KubernetesClient client,
      WatchScope scope,
      boolean repair,
      EventSink events,
      ServeMetrics metrics,
      Clock clock) {
    this.client = client;
    this.scope = scope;
    this.repair = repair;
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
  }

  public Report run() {
    int[] counts = new int[3];
    for (String namespace : Namespaces.withStates(client, scope)) {
      Namespaces.eachState(
          client,
          namespace,
          cm -> {
            counts[0]++;
            StateObject object = ConfigMapStateStore.toObject(cm);
            TaskId taskId = taskId(object);
            if (taskId == null) {
              return;
            }
            Diagnosis diagnosis = StateCheck.diagnose(object, taskId);
            if (diagnosis.healthy()) {
              return;
            }
            counts[1]++;
            EventSink.Regarding regarding =
                new EventSink.Regarding("v1", "ConfigMap", namespace, object.name(), object.uid());
            String first =
                diagnosis.problems().get(0).check() + ": " + diagnosis.problems().get(0).detail();
            LOG.warn("configmap {}/{} is damaged: {}", namespace, object.name(), first);
            events.record(
                regarding,
                "Warning",
                "StateDamaged",
                diagnosis.problems().size() + " problem(s), first: " + first);
            if (repair && !diagnosis.newerSchema() && repair(namespace, object.name(), taskId)) {
              counts[2]++;
              metrics.repairedStates.inc();
              events.record(
                  regarding,
                  "Normal",
                  "Repaired",
                  "repaired on start; the damaged state.json is kept");
            }
          });
    }
    metrics.damagedStates.set(counts[1] - counts[2]);
    Report report = new Report(counts[0], counts[1], counts[2]);
    LOG.info("recovery on start: {}", report);
    return report;
  }

  private boolean repair(String namespace, String name, TaskId taskId) {
    Transaction transaction =
        new Transaction(
            new ConfigMapStateStore(client, namespace),
            RetryPolicy.CONFLICTS,
            Sleeper.REAL,
            System::nanoTime,
            () -> ThreadLocalRandom.current().nextDouble());
    try {
      return transaction
          .run(
              name,
              current -> {
                if (current.isEmpty()) {
                  return Transaction.Change.none(false);
                }
                Diagnosis diagnosis = StateCheck.diagnose(current.get(), taskId);
                if (diagnosis.healthy() || diagnosis.newerSchema()) {
                  return Transaction.Change.none(false);
                }
                Recovery.Plan plan =
                    Recovery.plan(current.get(), taskId, diagnosis, clock.instant());
                return Transaction.Change.write(plan.object(), true);
              })
          .result();
    } catch (RemediationException e) {
      LOG.warn("configmap {}/{} could not be repaired: {}", namespace, name, e.getMessage());
      return false;
    }
  }

  private static TaskId taskId(StateObject object) {
    String label =
        object.labels() == null ? null : object.labels().get(StateConfigMap.LABEL_TASK_ID);
    String name = object.name();
    String id = label;
    if (id == null && name.startsWith("task-") && name.endsWith("-state")) {
      id = name.substring(5, name.length() - 6);
    }
    try {
      TaskId taskId = id == null ? null : new TaskId(id);
      return taskId != null && StateConfigMap.name(taskId).equals(name) ? taskId : null;
    } catch (RemediationException e) {
      return null;
    }
  }
}
