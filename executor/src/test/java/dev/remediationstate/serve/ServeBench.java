package dev.remediationstate.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.remediationstate.customrun.KubeRunSource;
import dev.remediationstate.serve.TektonRuns.PipelineRun;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The serve benchmark (a program, not a test): run by executor/bench/serve-bench.sh against the
 * cluster in {@code rs.it.kubeconfig}. In one run, from one client:
 *
 * <ol>
 *   <li>the floor: a warm GET+PUT pair of one ConfigMap, sequentially;
 *   <li>latency: CustomRun creation (next-iteration) to {@code Succeeded} observed by a watch, one
 *       at a time;
 *   <li>throughput: CustomRuns created from 8 threads over 50 loops, until all are observed done;
 *   <li>serve's start time to ready, empty and with the 1,000-loop cache;
 *   <li>serve's RSS with 1,000 active loops (1,000 states, 1,000 gates waiting for approval).
 * </ol>
 */
public final class ServeBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, CompletableFuture<Long>> DONE = new ConcurrentHashMap<>();

  public static void main(String[] args) throws Exception {
    int samples = Integer.getInteger("bench.samples", 200);
    int burst = Integer.getInteger("bench.burst", 500);
    int active = Integer.getInteger("bench.active", 1000);
    try (ServeEnv env = ServeEnv.create("serve-bench")) {
      SharedIndexInformer<GenericKubernetesResource> watch = observe(env);
      TektonRuns runs = env.runs();
      ServeProcess serve =
          ServeProcess.start(
              env.kubeconfig,
              env.namespace,
              "bench",
              "--no-gc",
              "--no-leader-elect",
              "--workers=8",
              "--approval-poll=10s");
      Duration readyEmpty = serve.awaitReady(Duration.ofSeconds(120));
      System.out.printf("start to ready (empty namespace): %d ms%n", readyEmpty.toMillis());

      // The floor.
      var cms = env.admin.configMaps().inNamespace(env.namespace);
      ConfigMap cm =
          cms.resource(
                  new ConfigMapBuilder()
                      .withNewMetadata()
                      .withName("floor")
                      .endMetadata()
                      .addToData("n", "0")
                      .build())
              .create();
      List<Long> floor = new ArrayList<>();
      for (int i = 0; i < samples + 50; i++) {
        long t = System.nanoTime();
        ConfigMap read = cms.withName("floor").get();
        read.getData().put("n", Integer.toString(i));
        cms.resource(read).lockResourceVersion(read.getMetadata().getResourceVersion()).update();
        if (i >= 50) {
          floor.add(System.nanoTime() - t);
        }
      }
      report("floor: warm GET+PUT of one ConfigMap", floor);

      // Latency, one at a time: next-iteration (GET + PUT of the state, PUT of the status),
      // after a warm-up of 50; a fresh loop every 90 iterations.
      List<Long> latency = new ArrayList<>();
      for (int i = 0; i < samples + 50; i++) {
        String loop = "lat-" + i / 90;
        if (i % 90 == 0) {
          create(
                  runs,
                  PipelineRun.random(loop + "-init"),
                  "init",
                  "action",
                  "init",
                  "task-id",
                  loop,
                  "max-iterations",
                  "100")
              .get(60, TimeUnit.SECONDS);
        }
        long t = System.nanoTime();
        long end =
            create(
                    runs,
                    PipelineRun.random("lat-" + i),
                    "next",
                    "action",
                    "next-iteration",
                    "task-id",
                    loop)
                .get(60, TimeUnit.SECONDS);
        if (i >= 50) {
          latency.add(end - t);
        }
      }
      report("CustomRun created -> Succeeded observed (next-iteration, one at a time)", latency);

      // Throughput.
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<CompletableFuture<Long>> inits = new ArrayList<>();
      for (int l = 0; l < 50; l++) {
        inits.add(
            create(
                runs,
                PipelineRun.random("tp-init-" + l),
                "init",
                "action",
                "init",
                "task-id",
                "tp-" + l,
                "max-iterations",
                "100"));
      }
      for (CompletableFuture<Long> f : inits) {
        f.get(120, TimeUnit.SECONDS);
      }
      List<CompletableFuture<Long>> all = Collections.synchronizedList(new ArrayList<>());
      long start = System.nanoTime();
      for (int i = 0; i < burst; i++) {
        int n = i;
        pool.execute(
            () ->
                all.add(
                    create(
                        runs,
                        PipelineRun.random("tp-" + n),
                        "next",
                        "action",
                        "next-iteration",
                        "task-id",
                        "tp-" + (n % 50))));
      }
      pool.shutdown();
      pool.awaitTermination(10, TimeUnit.MINUTES);
      long last = 0;
      for (CompletableFuture<Long> f : all) {
        last = Math.max(last, f.get(10, TimeUnit.MINUTES));
      }
      double seconds = (last - start) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "throughput: %d next-iteration CustomRuns over 50 loops in %.2f s = %.1f CustomRuns/s%n",
          burst,
          seconds,
          burst / seconds);

      // 1,000 active loops: states plus gates waiting for approval.
      List<CompletableFuture<Long>> actives = new ArrayList<>();
      for (int l = 0; l < active; l++) {
        actives.add(
            create(
                runs,
                PipelineRun.random("act-init-" + l),
                "init",
                "action",
                "init",
                "task-id",
                "act-" + l));
      }
      for (CompletableFuture<Long> f : actives) {
        f.get(10, TimeUnit.MINUTES);
      }
      for (int l = 0; l < active; l++) {
        runs.create(
            PipelineRun.random("act-gate-" + l),
            "gate",
            TektonRuns.params("action", "gate", "task-id", "act-" + l, "wait-for-approval", "true"),
            "1h0m0s",
            0);
      }
      long settle =
          System.nanoTime()
              + TimeUnit.MILLISECONDS.toNanos(Long.getLong("bench.settleMillis", 90_000));
      Thread.sleep(10_000);
      while (System.nanoTime() < settle
          && serve.metric("workqueue_depth{name=\"customrun\"}") > 50) {
        Thread.sleep(1000);
      }
      System.out.printf(
          "serve RSS with %d active loops (%d states, %d waiting gates, ~%d CustomRuns cached): %d MiB%n",
          active, active + 51, active, active * 2 + burst + samples * 2, serve.rssKib() / 1024);
      System.out.println(serve.metric("workqueue_depth{name=\"customrun\"}") + " keys queued");
      serve.stop();
      ServeProcess again =
          ServeProcess.start(
              env.kubeconfig,
              env.namespace,
              "bench-2",
              "--no-gc",
              "--no-leader-elect",
              "--workers=8",
              "--approval-poll=10s");
      Duration readyFull = again.awaitReady(Duration.ofSeconds(120));
      System.out.printf(
          "start to ready (%d CustomRuns to list): %d ms%n",
          active * 2 + burst + samples * 2, readyFull.toMillis());
      again.stop();
      watch.stop();
    }
  }

  private static CompletableFuture<Long> create(
      TektonRuns runs, PipelineRun pr, String task, String... params) {
    CompletableFuture<Long> done =
        DONE.computeIfAbsent(pr.name() + "-" + task, k -> new CompletableFuture<>());
    runs.create(pr, task, TektonRuns.params(params), "10m0s", 0);
    return done;
  }

  private static SharedIndexInformer<GenericKubernetesResource> observe(ServeEnv env) {
    return env.admin
        .genericKubernetesResources(KubeRunSource.CUSTOM_RUNS)
        .inNamespace(env.namespace)
        .inform(
            new ResourceEventHandler<>() {
              @Override
              public void onAdd(GenericKubernetesResource r) {
                seen(r);
              }

              @Override
              public void onUpdate(GenericKubernetesResource o, GenericKubernetesResource r) {
                seen(r);
              }

              @Override
              public void onDelete(GenericKubernetesResource r, boolean unknown) {}
            });
  }

  private static void seen(GenericKubernetesResource r) {
    long now = System.nanoTime();
    JsonNode run = JSON.valueToTree(r);
    if (TektonRuns.finished().test(run)) {
      DONE.computeIfAbsent(r.getMetadata().getName(), k -> new CompletableFuture<>()).complete(now);
    }
  }

  private static void report(String what, List<Long> nanos) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "%s: n=%d p50=%.1f ms p99=%.1f ms%n",
        what,
        sorted.size(),
        sorted.get(sorted.size() / 2) / 1e6,
        sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1) / 1e6);
  }

  private ServeBench() {}
}
