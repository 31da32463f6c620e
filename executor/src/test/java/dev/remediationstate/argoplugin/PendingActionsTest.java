package dev.remediationstate.argoplugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.remediationstate.results.Results;
import dev.remediationstate.serve.ActionReply;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PendingActionsTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(2);
  private final AtomicLong now = new AtomicLong();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private static ActionReply done(int n) {
    return new ActionReply.Done("next-iteration", "t1", Results.empty().with("iteration", n));
  }

  @Test
  void aRunFinishedInTimeIsHandedOverAndForgotten() throws Exception {
    PendingActions pending =
        new PendingActions(pool, Duration.ofSeconds(5), Duration.ofMinutes(10), now::get);
    AtomicInteger runs = new AtomicInteger();
    PendingActions.Progress first = pending.await("r1", () -> done(runs.incrementAndGet()));
    assertEquals(done(1), ((PendingActions.Progress.Finished) first).reply());
    assertEquals(0, pending.size());
    // A call after the reply was lost starts the action again: its request-id record replays.
    pending.await("r1", () -> done(runs.incrementAndGet()));
    assertEquals(2, runs.get());
  }

  @Test
  void aSlowRunIsStillRunningAndTheNextCallJoinsIt() throws Exception {
    PendingActions pending =
        new PendingActions(pool, Duration.ofMillis(50), Duration.ofMinutes(10), now::get);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    now.set(1_000_000_000L);
    PendingActions.Progress first =
        pending.await(
            "r1",
            () -> {
              runs.incrementAndGet();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return done(7);
            });
    now.addAndGet(2_000_000_000L);
    assertInstanceOf(PendingActions.Progress.StillRunning.class, first);
    PendingActions.Progress second = pending.await("r1", () -> done(99));
    assertEquals(Duration.ofSeconds(2), ((PendingActions.Progress.StillRunning) second).elapsed());
    release.countDown();
    PendingActions.Progress third = pending.await("r1", () -> done(99));
    assertEquals(done(7), ((PendingActions.Progress.Finished) third).reply());
    assertEquals(1, runs.get());
  }

  @Test
  void aFinishedRunNobodyCollectsIsDroppedAfterKeepFinished() throws Exception {
    ExecutorService single = Executors.newSingleThreadExecutor();
    PendingActions pending =
        new PendingActions(single, Duration.ofMillis(20), Duration.ofMinutes(10), now::get);
    CountDownLatch release = new CountDownLatch(1);
    pending.await(
        "lost",
        () -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return done(1);
        });
    release.countDown();
    single.submit(() -> {}).get(); // the run and its completion callback are done
    assertEquals(1, pending.size());
    now.addAndGet(Duration.ofMinutes(11).toNanos());
    ActionReply other = done(2);
    PendingActions.Progress next = pending.await("other", () -> other);
    assertSame(other, ((PendingActions.Progress.Finished) next).reply());
    assertEquals(0, pending.size());
    single.shutdownNow();
  }
}
