package dev.remediationstate.serve;

import static dev.remediationstate.serve.TektonRuns.finished;
import static dev.remediationstate.serve.TektonRuns.params;
import static dev.remediationstate.serve.TektonRuns.results;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.serve.TektonRuns.PipelineRun;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two replicas: one leader (reconciles, runs gc), one warm and ready standby; failover after a kill
 * -9 within the lease duration plus a retry period; gc once per period across replicas and
 * failovers; a replica that loses its lease exits (code 6).
 */
class LeaderIT {
  private static final Duration LEASE = Duration.ofSeconds(4);
  private static final Duration RETRY = Duration.ofSeconds(1);
  private static final Duration GC_INTERVAL = Duration.ofSeconds(6);
  private static final String[] ARGS = {
    "--lease-duration=4s", "--renew-deadline=3s", "--retry-period=1s", "--gc-interval=6s"
  };

  private static ServeProcess awaitLeader(List<ServeProcess> replicas, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (ServeProcess p : replicas) {
        if (p.alive() && p.leading()) {
          return p;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no leader within " + timeout);
  }

  @Test
  void oneLeaderFailsOverAndGcRunsOncePerPeriod() throws Exception {
    try (ServeEnv env = ServeEnv.create("serve-leader")) {
      TektonRuns runs = env.runs();
      ServeProcess a = ServeProcess.start(env.kubeconfig, env.namespace, "replica-a", ARGS);
      ServeProcess b = ServeProcess.start(env.kubeconfig, env.namespace, "replica-b", ARGS);
      List<ServeProcess> replicas = new ArrayList<>(List.of(a, b));
      try {
        a.awaitReady(Duration.ofSeconds(90));
        b.awaitReady(Duration.ofSeconds(90));
        ServeProcess leader = awaitLeader(replicas, Duration.ofSeconds(30));
        ServeProcess standby = leader == a ? b : a;
        Thread.sleep(500);
        assertTrue(!standby.leading(), "one leader");
        assertEquals(200, standby.status("/readyz"), "the standby is ready");

        runs.create(
            PipelineRun.random("before"),
            "init",
            params("action", "init", "task-id", "lead"),
            "1m0s",
            0);
        runs.await("before-init", finished(), Duration.ofSeconds(60));

        leader.kill9();
        long killed = System.nanoTime();
        ServeProcess next = awaitLeader(List.of(standby), Duration.ofSeconds(60));
        Duration failover = Duration.ofNanos(System.nanoTime() - killed);
        System.out.println("failover after kill -9: " + failover.toMillis() + " ms");
        Duration bound =
            LEASE
                .plus(RETRY.multipliedBy(2))
                .plus(Duration.ofSeconds(Integer.getInteger("rs.serve.failoverSlackSeconds", 3)));
        assertTrue(
            failover.compareTo(bound) <= 0, "failover took " + failover + ", bound " + bound);
        runs.create(
            PipelineRun.random("after"),
            "next",
            params("action", "next-iteration", "task-id", "lead"),
            "1m0s",
            0);
        assertEquals(
            "1",
            results(runs.await("after-next", finished(), Duration.ofSeconds(60))).get("iteration"));

        ServeProcess c = ServeProcess.start(env.kubeconfig, env.namespace, "replica-c", ARGS);
        replicas.add(c);
        c.awaitReady(Duration.ofSeconds(90));
        LinkedHashSet<Instant> gcRuns = new LinkedHashSet<>();
        long until = System.nanoTime() + GC_INTERVAL.multipliedBy(2).plusSeconds(3).toNanos();
        while (System.nanoTime() < until) {
          ConfigMap claim =
              env.admin
                  .configMaps()
                  .inNamespace(env.namespace)
                  .withName("remediation-state-serve-gc")
                  .get();
          if (claim != null) {
            gcRuns.add(Instant.parse(claim.getData().get("last-run")));
          }
          Thread.sleep(100);
        }
        List<Instant> times = new ArrayList<>(gcRuns);
        assertTrue(times.size() >= 2, "gc ran " + times);
        for (int i = 1; i < times.size(); i++) {
          Duration gap = Duration.between(times.get(i - 1), times.get(i));
          assertTrue(gap.compareTo(GC_INTERVAL) >= 0, "two gc runs within one period: " + times);
        }
        assertEquals(
            0.0, c.metric("remediation_gc_runs_total{result=\"ok\"}"), "the standby never runs gc");
        assertTrue(
            next.metric("remediation_gc_runs_total{result=\"ok\"}") >= 1, "the leader ran gc");

        Lease lease =
            env.admin.leases().inNamespace(env.namespace).withName("remediation-state-serve").get();
        lease.getSpec().setHolderIdentity("intruder");
        lease.getSpec().setRenewTime(ZonedDateTime.now().plusSeconds(60));
        lease.getSpec().setLeaseDurationSeconds(120);
        env.admin.leases().inNamespace(env.namespace).resource(lease).update();
        Integer code = next.exitCodeWithin(Duration.ofSeconds(30));
        assertEquals(6, code, "a leader that lost its lease exits\n" + next.log());
      } finally {
        for (ServeProcess p : replicas) {
          if (p.alive()) {
            p.kill9();
          }
        }
      }
    }
  }
}
