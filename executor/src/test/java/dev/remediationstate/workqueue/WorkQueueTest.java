package dev.remediationstate.workqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WorkQueueTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final WorkQueue<String> queue = new WorkQueue<>(now::get);

  private Optional<String> poll() throws InterruptedException {
    return queue.take(Duration.ZERO).map(WorkQueue.Item::key);
  }

  @Test
  void aKeyAddedTwiceIsTakenOnce() throws Exception {
    queue.add("a");
    queue.add("a");
    queue.add("b");
    assertEquals(Optional.of("a"), poll());
    assertEquals(Optional.of("b"), poll());
    assertEquals(Optional.empty(), poll());
  }

  @Test
  void aKeyAddedWhileProcessingComesBackOnlyAfterDone() throws Exception {
    queue.add("a");
    assertEquals(Optional.of("a"), poll());
    queue.add("a");
    assertEquals(Optional.empty(), poll(), "never handed to a second worker meanwhile");
    queue.done("a");
    assertEquals(Optional.of("a"), poll());
    queue.done("a");
    assertEquals(Optional.empty(), poll());
  }

  @Test
  void aDoneKeyThatWasNotAddedAgainIsGone() throws Exception {
    queue.add("a");
    poll();
    queue.done("a");
    assertEquals(Optional.empty(), poll());
  }

  @Test
  void aDelayedKeyWaitsForItsTime() throws Exception {
    queue.addAfter("a", Duration.ofSeconds(5));
    assertEquals(Optional.empty(), poll());
    assertEquals(1, queue.delayed());
    now.addAndGet(Duration.ofSeconds(5).toNanos());
    assertEquals(Optional.of("a"), poll());
    assertEquals(0, queue.delayed());
  }

  @Test
  void theEarlierDueTimeWins() throws Exception {
    queue.addAfter("a", Duration.ofSeconds(10));
    queue.addAfter("a", Duration.ofSeconds(1));
    queue.addAfter("a", Duration.ofSeconds(20));
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertEquals(Optional.of("a"), poll());
    queue.done("a");
    now.addAndGet(Duration.ofSeconds(30).toNanos());
    assertEquals(Optional.empty(), poll(), "the later due times were dropped");
  }

  @Test
  void aZeroDelayAddsAtOnce() throws Exception {
    queue.addAfter("a", Duration.ZERO);
    assertEquals(Optional.of("a"), poll());
  }

  @Test
  void takeReportsHowLongTheKeyWaited() throws Exception {
    queue.add("a");
    now.addAndGet(2_000_000L);
    assertEquals(Duration.ofMillis(2), queue.take(Duration.ZERO).get().queued());
  }

  @Test
  void shutDownWakesTakersAndIgnoresAdds() throws Exception {
    WorkQueue<String> real = new WorkQueue<>(System::nanoTime);
    Thread taker =
        new Thread(
            () -> {
              try {
                assertTrue(real.take(Duration.ofMinutes(1)).isEmpty());
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
            });
    taker.start();
    Thread.sleep(50);
    real.shutDown();
    taker.join(5000);
    assertTrue(!taker.isAlive(), "take returned after shutdown");
    real.add("a");
    assertEquals(0, real.depth());
  }

  @Test
  void aBlockedTakerGetsAKeyAddedLater() throws Exception {
    WorkQueue<String> real = new WorkQueue<>(System::nanoTime);
    Thread adder =
        new Thread(
            () -> {
              try {
                Thread.sleep(50);
              } catch (InterruptedException e) {
                return;
              }
              real.addAfter("late", Duration.ofMillis(20));
            });
    adder.start();
    assertEquals(Optional.of("late"), real.take(Duration.ofSeconds(10)).map(WorkQueue.Item::key));
  }
}
