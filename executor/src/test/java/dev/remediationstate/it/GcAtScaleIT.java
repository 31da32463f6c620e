package dev.remediationstate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.gc.ConfigMapPages;
import dev.remediationstate.gc.GcEdges;
import dev.remediationstate.gc.GcPolicy;
import dev.remediationstate.gc.ListExpiredException;
import dev.remediationstate.gc.Sweep;
import dev.remediationstate.gc.SweepObserver;
import dev.remediationstate.kube.ConfigMapGcEdges;
import dev.remediationstate.kube.ConfigMapStateStore;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.Status;
import dev.remediationstate.store.StateConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * gc over many state objects on the real API server, where paging, label selectors and delete
 * preconditions are the server's own: {@code rs.it.gc.states} expired states (10,000 by default)
 * beside ConfigMaps gc must never touch, swept with the production edges and a page size of 500.
 *
 * <p>Two faults are made real at exact points: an etcd compaction after the third page of the
 * marking pass, so the server answers the next page with 410 (an expired continue token), and an
 * update of one marked state between the deleting pass's list and its delete, so the server answers
 * the delete's uid/resourceVersion precondition with 409.
 */
class GcAtScaleIT {
  private static final int STATES = Integer.getInteger("rs.it.gc.states", 10_000);
  private static final Duration GRACE = Duration.ofHours(1);

  @Test
  void sweepsTenThousandStatesThroughRealPagesExpiredTokensAndPreconditions() throws Exception {
    TestApiServer api = TestApiServer.shared();
    String namespace = api.createNamespace("gc-scale");
    KubernetesClient admin = api.adminClient();
    Instant old = Instant.now().minus(Duration.ofDays(30));
    long seeding = System.nanoTime();
    seed(admin, namespace, old);
    System.err.printf(
        "GcAtScaleIT: seeded %,d states in %.1f s%n", STATES, (System.nanoTime() - seeding) / 1e9);
    // Not states: another app's ConfigMap with a similar name, and one with our name label but
    // managed by someone else. The server's label selector must keep both out of every page.
    admin
        .configMaps()
        .inNamespace(namespace)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("task-foreign-state")
                .withLabels(Map.of(StateConfigMap.LABEL_NAME, StateConfigMap.APP))
                .endMetadata()
                .withData(Map.of("state.json", "{}"))
                .build())
        .create();
    admin
        .configMaps()
        .inNamespace(namespace)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("task-unlabelled-state")
                .endMetadata()
                .build())
        .create();

    GcEdges real = ConfigMapGcEdges.edges(admin, namespace);
    AtomicInteger pages = new AtomicInteger();
    AtomicInteger expiredTokens = new AtomicInteger();
    ConfigMapPages compactingAfterThirdPage =
        (selector, limit, token) -> {
          if (pages.incrementAndGet() == 4) {
            api.compactEtcd();
          }
          try {
            return real.pages().list(selector, limit, token);
          } catch (ListExpiredException e) {
            expiredTokens.incrementAndGet();
            throw e;
          }
        };
    GcPolicy policy = new GcPolicy(Duration.ofDays(7), GRACE, false, false, 500, 2_000);
    Instant now = Instant.now();
    long marking = System.nanoTime();
    var marked =
        new Sweep(
                new GcEdges(
                    namespace,
                    real.store(),
                    compactingAfterThirdPage,
                    real.patches(),
                    real.deletes()),
                policy,
                Clock.fixed(now, ZoneOffset.UTC),
                System::nanoTime,
                SweepObserver.NONE)
            .run()
            .results(false);
    double markSeconds = (System.nanoTime() - marking) / 1e9;
    assertTrue(expiredTokens.get() >= 1, "the compaction made the server answer 410");
    assertEquals(String.valueOf(STATES), marked.get("marked"), marked.toString());
    assertEquals("0", marked.get("failed"), marked.toString());

    // The deleting pass, after the grace period. One marked state changes between the list and
    // its delete: the server's precondition refuses that delete (409), the state stays.
    String touched = "task-" + taskId(STATES / 2) + "-state";
    var deleted =
        new Sweep(
                new GcEdges(
                    namespace,
                    real.store(),
                    real.pages(),
                    real.patches(),
                    (name, uid, resourceVersion) -> {
                      if (name.equals(touched)) {
                        admin
                            .configMaps()
                            .inNamespace(namespace)
                            .withName(name)
                            .edit(
                                cm -> {
                                  cm.getMetadata()
                                      .getAnnotations()
                                      .put("example.com/touched", "between list and delete");
                                  return cm;
                                });
                      }
                      return real.deletes().delete(name, uid, resourceVersion);
                    }),
                policy,
                Clock.fixed(now.plus(GRACE).plusSeconds(1), ZoneOffset.UTC),
                System::nanoTime,
                SweepObserver.NONE)
            .run()
            .results(false);
    double deleteSeconds = (System.nanoTime() - marking) / 1e9 - markSeconds;
    System.err.printf(
        "GcAtScaleIT: %,d states, %d pages in the marking pass (one 410), marked in %.1f s,"
            + " deleted in %.1f s%n",
        STATES, pages.get(), markSeconds, deleteSeconds);
    assertEquals(String.valueOf(STATES - 1), deleted.get("deleted"), deleted.toString());

    List<ConfigMap> left = admin.configMaps().inNamespace(namespace).list().getItems();
    assertEquals(
        List.of("task-foreign-state", touched, "task-unlabelled-state"),
        left.stream().map(cm -> cm.getMetadata().getName()).sorted().toList(),
        "what the server still holds");
    ConfigMap survivor = admin.configMaps().inNamespace(namespace).withName(touched).get();
    assertNotNull(survivor.getMetadata().getAnnotations().get("example.com/touched"));
    assertEquals(
        Map.of("state.json", "{}"),
        admin.configMaps().inNamespace(namespace).withName("task-foreign-state").get().getData(),
        "a ConfigMap outside the selector is never written");
  }

  private static String taskId(int i) {
    return String.format("scale-%05d", i);
  }

  private static void seed(KubernetesClient admin, String namespace, Instant old) throws Exception {
    ConfigMapStateStore store = new ConfigMapStateStore(admin, namespace);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Object>> created =
          IntStream.range(0, STATES)
              .mapToObj(
                  i ->
                      pool.<Object>submit(
                          () -> {
                            RemediationState state =
                                RemediationState.initial(taskId(i), 5, Map.of(), old);
                            if (i % 2 == 0) {
                              state = state.withStatus(Status.COMPLETED, "approved", old);
                            }
                            store.create(StateConfigMap.encode(state, Optional.empty()));
                            return null;
                          }))
              .toList();
      for (Future<Object> f : created) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }
}
