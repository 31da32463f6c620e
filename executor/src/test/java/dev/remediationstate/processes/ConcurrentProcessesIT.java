package dev.remediationstate.processes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.state.RemediationState;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.StateConfigMap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * 16 workers, each running 30 {@code next-iteration} processes one after another, all on one task
 * (limit raised to 480 by seeding the ConfigMap directly; the CLI accepts 1..100): exactly 480
 * iterations, every returned iteration unique, together 1..480. The conflict budget is raised (200
 * attempts, 5 minutes): 16 writers on one object is the worst case, and an exhausted budget (exit
 * 4) would fail the test without saying anything about correctness.
 */
class ConcurrentProcessesIT {
  /**
   * As the issue asks; {@code -Drs.it.workers}/{@code -Drs.it.calls} lower it on a slow machine.
   */
  static final int WORKERS = Integer.getInteger("rs.it.workers", 16);

  static final int CALLS = Integer.getInteger("rs.it.calls", 30);
  private static final Pattern ITERATION = Pattern.compile("\"iteration\":\"(\\d+)\"");

  @Test
  void sixteenProcessesTimesThirtyCallsCountExactly() throws Exception {
    try (ProcessCluster cluster = new ProcessCluster()) {
      TaskId task = new TaskId("concurrent-" + System.currentTimeMillis() % 100000);
      int total = WORKERS * CALLS;
      cluster.seed(task, total);
      List<Integer> returned = Collections.synchronizedList(new ArrayList<>());
      ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
      long start = System.nanoTime();
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < WORKERS; w++) {
        int worker = w;
        workers.add(
            pool.submit(
                () -> {
                  for (int c = 0; c < CALLS; c++) {
                    Process p =
                        cluster.start(
                            "next-iteration",
                            "--task-id",
                            task.value(),
                            "--request-id",
                            "w" + worker + "-c" + c,
                            "--conflict-attempts",
                            "200",
                            "--conflict-timeout",
                            "5m");
                    String out =
                        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertTrue(p.waitFor(10, TimeUnit.MINUTES));
                    assertEquals(0, p.exitValue(), "w" + worker + "-c" + c + ": " + out);
                    Matcher m = ITERATION.matcher(out);
                    assertTrue(m.find(), out);
                    returned.add(Integer.parseInt(m.group(1)));
                  }
                  return null;
                }));
      }
      for (Future<?> f : workers) {
        f.get(30, TimeUnit.MINUTES);
      }
      pool.shutdown();
      long seconds = (System.nanoTime() - start) / 1_000_000_000;
      RemediationState state = StateConfigMap.decode(cluster.stored(task), task);
      assertEquals(total, state.iteration());
      assertEquals(total, returned.size());
      TreeSet<Integer> unique = new TreeSet<>(returned);
      assertEquals(total, unique.size(), "every returned iteration unique");
      assertEquals(1, unique.first());
      assertEquals(total, unique.last(), "a contiguous range 1.." + total);
      System.out.printf(
          "concurrency: %d processes x %d calls = %d iterations in %d s%n",
          WORKERS, CALLS, total, seconds);
    }
  }
}
