package dev.remediationstate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.action.ActionRunner;
import dev.remediationstate.action.NextIterationAction;
import dev.remediationstate.kube.ConfigMapStateStore;
import dev.remediationstate.results.Results;
import dev.remediationstate.state.IterationRecord;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.ConflictException;
import dev.remediationstate.store.RetryPolicy;
import dev.remediationstate.store.StateConfigMap;
import dev.remediationstate.store.StateObject;
import dev.remediationstate.store.StateStore;
import dev.remediationstate.store.Transaction;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * 16 writers, each with its own client and connection pool, 30 next-iterations each on one task
 * whose limit is raised to 480: no update may be lost, and every returned iteration is unique.
 */
class ConcurrencyIT {
  private static final int THREADS = 16;
  private static final int EACH = 30;

  @Test
  void sixteenWritersIncrementExactlyFourHundredEightyTimes() throws Exception {
    try (TestCluster cluster = TestCluster.start()) {
      TaskId task = new TaskId(TestCluster.uniqueTaskId("race"));
      try (KubernetesClient seed = cluster.newClient()) {
        RemediationState initial =
            RemediationState.initial(task.value(), THREADS * EACH, Map.of(), Instant.now());
        new ConfigMapStateStore(seed, cluster.namespace())
            .create(StateConfigMap.encode(initial, Optional.empty()));
      }
      AtomicInteger conflicts = new AtomicInteger();
      ConcurrentLinkedQueue<Integer> returned = new ConcurrentLinkedQueue<>();
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      List<Future<?>> workers = new ArrayList<>();
      long start = System.nanoTime();
      for (int t = 0; t < THREADS; t++) {
        int worker = t;
        workers.add(
            pool.submit(
                () -> {
                  try (KubernetesClient client = cluster.newClient()) {
                    StateStore store =
                        counting(new ConfigMapStateStore(client, cluster.namespace()), conflicts);
                    ActionRunner runner =
                        new ActionRunner(
                            new Transaction(
                                store,
                                new RetryPolicy(
                                    1000,
                                    java.time.Duration.ofMinutes(5),
                                    java.time.Duration.ofMillis(5),
                                    java.time.Duration.ofMillis(200)),
                                Thread::sleep,
                                System::nanoTime,
                                () -> ThreadLocalRandom.current().nextDouble()),
                            Clock.systemUTC());
                    go.await();
                    for (int i = 0; i < EACH; i++) {
                      String request = "w" + worker + "-" + i;
                      Results r = runner.run(task, new NextIterationAction(request), request);
                      returned.add(Integer.parseInt(r.get("iteration")));
                    }
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> w : workers) {
        w.get();
      }
      pool.shutdown();
      long millis = (System.nanoTime() - start) / 1_000_000;

      RemediationState end;
      try (KubernetesClient check = cluster.newClient()) {
        end =
            StateConfigMap.decode(
                new ConfigMapStateStore(check, cluster.namespace())
                    .read(task.configMapName())
                    .orElseThrow(),
                task);
        check.configMaps().inNamespace(cluster.namespace()).withName(task.configMapName()).delete();
      }
      assertEquals(THREADS * EACH, end.iteration());
      assertEquals(THREADS * EACH, end.iterations().size());
      for (int i = 0; i < end.iterations().size(); i++) {
        IterationRecord record = end.iterations().get(i);
        assertEquals(i + 1, record.number());
      }
      Set<Integer> unique = new TreeSet<>(returned);
      assertEquals(THREADS * EACH, returned.size());
      assertEquals(THREADS * EACH, unique.size(), "every returned iteration is unique");
      assertEquals(1, ((TreeSet<Integer>) unique).first());
      assertEquals(THREADS * EACH, ((TreeSet<Integer>) unique).last());
      assertTrue(
          end.iterations().stream().map(IterationRecord::requestId).distinct().count()
              == THREADS * EACH);
      System.out.printf(
          "ConcurrencyIT: %d threads x %d increments = %d, final iteration %d, %d conflicts retried, %d ms%n",
          THREADS, EACH, returned.size(), end.iteration(), conflicts.get(), millis);
    }
  }

  private static StateStore counting(StateStore inner, AtomicInteger conflicts) {
    return new StateStore() {
      @Override
      public Optional<StateObject> read(String name) {
        return inner.read(name);
      }

      @Override
      public StateObject create(StateObject object) throws ConflictException {
        return inner.create(object);
      }

      @Override
      public StateObject update(StateObject object, String rv) throws ConflictException {
        try {
          return inner.update(object, rv);
        } catch (ConflictException e) {
          conflicts.incrementAndGet();
          throw e;
        }
      }
    };
  }
}
