package dev.remediationstate.serve;

import static dev.remediationstate.serve.TektonRuns.condition;
import static dev.remediationstate.serve.TektonRuns.finished;
import static dev.remediationstate.serve.TektonRuns.params;
import static dev.remediationstate.serve.TektonRuns.results;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.remediationstate.customrun.KubeRunSource;
import dev.remediationstate.serve.TektonRuns.PipelineRun;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the controller at random points while CustomRuns arrive (once per round of one
 * next-iteration per loop), with restarts: every CustomRun completes exactly once (one transition
 * to done, never rewritten) and the iteration counts are exact (the next-iteration runs of a loop
 * return 1..K, each once). Sizes: {@code -Drs.serve.crash.loops} (10) x {@code
 * -Drs.serve.crash.iterations} (10) next-iteration runs plus one init per loop: 110 CustomRuns by
 * default.
 */
class CrashIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyCustomRunCompletesExactlyOnceAcrossKills() throws Exception {
    int loops = Integer.getInteger("rs.serve.crash.loops", 10);
    int iterations = Integer.getInteger("rs.serve.crash.iterations", 10);
    long seed = Long.getLong("rs.serve.crash.seed", System.nanoTime());
    Random random = new Random(seed);
    try (ServeEnv env = ServeEnv.create("serve-crash")) {
      TektonRuns runs = env.runs();
      Map<String, AtomicInteger> doneTransitions = new ConcurrentHashMap<>();
      Map<String, String> firstResults = new ConcurrentHashMap<>();
      List<String> rewritten = new ArrayList<>();
      Watch watch = watch(env, doneTransitions, firstResults, rewritten);
      String[] args = {"--no-gc", "--no-leader-elect", "--workers=4"};
      ServeProcess[] serve = {ServeProcess.start(env.kubeconfig, env.namespace, "crash-0", args)};
      serve[0].awaitReady(Duration.ofSeconds(60));
      try {
        for (int l = 0; l < loops; l++) {
          runs.create(
              PipelineRun.random("init-" + l),
              "init",
              params(
                  "action",
                  "init",
                  "task-id",
                  "crash-" + l,
                  "max-iterations",
                  Integer.toString(iterations)),
              "10m0s",
              0);
        }
        for (int l = 0; l < loops; l++) {
          runs.await("init-" + l + "-init", finished(), Duration.ofSeconds(120));
        }
        // One round per iteration: the round's next-iteration CustomRuns (one per loop) are created
        // with random gaps, and the controller is killed with -9 at a random moment soon after the
        // round's first CustomRun exists, then restarted. So every run sees exactly `iterations`
        // kills, and the rest of a round arrives while no controller runs (recovery on start).
        int kills = 0;
        int killsWhileCreating = 0;
        for (int i = 0; i < iterations; i++) {
          int round = i;
          CountDownLatch firstCreated = new CountDownLatch(1);
          Thread creator =
              new Thread(
                  () -> {
                    for (int l = 0; l < loops; l++) {
                      runs.create(
                          PipelineRun.random("c" + l + "-" + round),
                          "next",
                          params("action", "next-iteration", "task-id", "crash-" + l),
                          "10m0s",
                          0);
                      firstCreated.countDown();
                      sleep(random.nextInt(40));
                    }
                  });
          creator.start();
          assertTrue(firstCreated.await(60, TimeUnit.SECONDS), "round " + i + " never started");
          Thread.sleep(random.nextInt(150));
          if (creator.isAlive()) {
            killsWhileCreating++;
          }
          serve[0].kill9();
          kills++;
          serve[0] = ServeProcess.start(env.kubeconfig, env.namespace, "crash-" + kills, args);
          serve[0].awaitReady(Duration.ofSeconds(60));
          creator.join();
        }
        System.out.println(
            "CrashIT: "
                + kills
                + " kills ("
                + killsWhileCreating
                + " while a round was still being created) over "
                + loops * (iterations + 1)
                + " CustomRuns, seed "
                + seed);
        assertTrue(
            killsWhileCreating >= 1,
            "no kill landed while CustomRuns were arriving (seed "
                + seed
                + "); the test proves little");
        for (int l = 0; l < loops; l++) {
          List<Integer> seen = new ArrayList<>();
          for (int i = 0; i < iterations; i++) {
            JsonNode run =
                runs.await("c" + l + "-" + i + "-next", finished(), Duration.ofSeconds(120));
            assertEquals("True", condition(run).get().path("status").asText(), run.toString());
            seen.add(Integer.parseInt(results(run).get("iteration")));
          }
          seen.sort(null);
          assertEquals(
              IntStream.rangeClosed(1, iterations).boxed().collect(Collectors.toList()),
              seen,
              "loop " + l + " (seed " + seed + ", " + kills + " kills)");
          assertEquals(
              Integer.toString(iterations),
              env.admin
                  .configMaps()
                  .inNamespace(env.namespace)
                  .withName("task-crash-" + l + "-state")
                  .get()
                  .getData()
                  .get("iteration"));
        }
        Thread.sleep(1000);
        Map<String, Integer> notOnce = new TreeMap<>();
        doneTransitions.forEach(
            (name, n) -> {
              if (n.get() != 1) {
                notOnce.put(name, n.get());
              }
            });
        assertEquals(Map.of(), notOnce, "CustomRuns that did not complete exactly once");
        assertEquals(loops * (iterations + 1), doneTransitions.size());
        assertEquals(List.of(), rewritten, "done CustomRuns whose results changed");
      } finally {
        watch.close();
        serve[0].kill9();
      }
    }
  }

  /** Counts, per CustomRun, the transitions from not done to done, and any change once done. */
  private static Watch watch(
      ServeEnv env,
      Map<String, AtomicInteger> transitions,
      Map<String, String> firstResults,
      List<String> rewritten) {
    Map<String, Boolean> wasDone = new ConcurrentHashMap<>();
    return env.admin
        .genericKubernetesResources(KubeRunSource.CUSTOM_RUNS)
        .inNamespace(env.namespace)
        .watch(
            new Watcher<GenericKubernetesResource>() {
              @Override
              public void eventReceived(Action action, GenericKubernetesResource resource) {
                JsonNode run = JSON.valueToTree(resource);
                String name = resource.getMetadata().getName();
                boolean done = finished().test(run);
                boolean before = wasDone.getOrDefault(name, false);
                if (done && !before) {
                  transitions.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
                }
                if (done) {
                  String status = run.path("status").toString();
                  String first = firstResults.putIfAbsent(name, status);
                  if (first != null && !first.equals(status)) {
                    synchronized (rewritten) {
                      rewritten.add(name);
                    }
                  }
                }
                wasDone.put(name, done);
              }

              @Override
              public void onClose(WatcherException cause) {}
            });
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
