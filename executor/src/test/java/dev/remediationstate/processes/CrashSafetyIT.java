package dev.remediationstate.processes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.state.IterationRecord;
import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.StateConfigMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Kills the real CLI ({@code kill -9}: {@link Process#destroyForcibly()}) at random moments, 200
 * runs in batches of 4 concurrent processes, each killed after a random delay between 0 and the
 * measured length of a run. After every batch the stored state must decode (every invariant), its
 * iteration may only have grown by the runs that could have committed, every recorded iteration
 * belongs to a request that was sent, once, and every run that finished before its kill is in it.
 */
class CrashSafetyIT {
  static final int RUNS = Integer.getInteger("rs.it.crash-runs", 200);
  static final int BATCH = 4;

  @Test
  void aKilledRunLeavesTheOldOrTheNewStateNeverAPartialOne() throws Exception {
    try (ProcessCluster cluster = new ProcessCluster()) {
      TaskId task = new TaskId("crash-" + System.currentTimeMillis() % 100000);
      cluster.seed(task, 10_000);
      Set<String> sent = new HashSet<>();
      long typical = timeOneBatch(cluster, task, sent);
      Random random = new Random(20260101);
      int previous = BATCH;
      int killedMidRun = 0;
      long start = System.nanoTime();
      for (int batch = 0; batch < RUNS / BATCH; batch++) {
        List<Process> processes = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
          String id = "crash-" + batch + "-" + i;
          ids.add(id);
          sent.add(id);
          delays.add((long) (random.nextDouble() * typical * 1.25));
          processes.add(
              cluster.start("next-iteration", "--task-id", task.value(), "--request-id", id));
        }
        long launched = System.nanoTime();
        List<String> finished = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
          long wait = delays.get(i) - (System.nanoTime() - launched) / 1_000_000;
          Process p = processes.get(i);
          if (wait > 0) {
            p.waitFor(wait, TimeUnit.MILLISECONDS);
          }
          if (p.isAlive()) {
            p.destroyForcibly();
            killedMidRun++;
          }
          p.waitFor(30, TimeUnit.SECONDS);
          if (p.exitValue() == 0) {
            finished.add(ids.get(i));
          }
        }
        RemediationState state = StateConfigMap.decode(cluster.stored(task), task);
        assertTrue(
            state.iteration() >= previous && state.iteration() <= previous + BATCH,
            "batch " + batch + ": iteration " + state.iteration() + " after " + previous);
        Set<String> recorded = new HashSet<>();
        for (IterationRecord r : state.iterations()) {
          assertTrue(sent.contains(r.requestId()), "unknown request " + r.requestId());
          assertTrue(recorded.add(r.requestId()), "request applied twice: " + r.requestId());
        }
        assertTrue(recorded.containsAll(finished), "a finished run is missing: " + finished);
        previous = state.iteration();
      }
      long seconds = (System.nanoTime() - start) / 1_000_000_000;
      System.out.printf(
          "crash safety: %d runs, %d killed mid-run, %d iterations committed, typical run %d ms,"
              + " %d s%n",
          RUNS, killedMidRun, previous - BATCH, typical, seconds);
      assertTrue(killedMidRun > RUNS / 4 && killedMidRun < RUNS, "kills spread over the run");
      assertEquals(RUNS / BATCH * BATCH, RUNS);
    }
  }

  /** Runs one batch to completion; its slowest run is the typical length of a run in a batch. */
  private static long timeOneBatch(ProcessCluster cluster, TaskId task, Set<String> sent)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    List<Process> processes = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      sent.add("warm-up-" + i);
      processes.add(
          cluster.start(
              "next-iteration", "--task-id", task.value(), "--request-id", "warm-up-" + i));
    }
    for (Process p : processes) {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), out);
    }
    return (System.nanoTime() - start) / 1_000_000;
  }
}
