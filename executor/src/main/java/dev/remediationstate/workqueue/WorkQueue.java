package dev.remediationstate.workqueue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A de-duplicating delaying work queue, with client-go's {@code workqueue} semantics:
 *
 * <ul>
 *   <li>a key waiting in the queue is there once, however often it is added;
 *   <li>a key is handed to one worker at a time: added while being processed, it is queued again
 *       when that worker calls {@link #done} (so the newest event is never lost and never handled
 *       by two workers at once);
 *   <li>{@link #addAfter} delays a key; an earlier due time wins;
 *   <li>after {@link #shutDown}, {@link #take} returns empty and adds are ignored.
 * </ul>
 *
 * Thread-safe. Time is injected for the delay arithmetic ({@code nanoTime}).
 */
public final class WorkQueue<K> {
  private final LongSupplier nanoTime;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<K> queue = new ArrayDeque<>();
  private final Set<K> dirty = new HashSet<>();
  private final Set<K> processing = new HashSet<>();
  private final Map<K, Long> waitingDue = new HashMap<>();
  private final PriorityQueue<Waiting<K>> waiting =
      new PriorityQueue<>((a, b) -> Long.compare(a.due, b.due));
  private final Map<K, Long> addedAt = new HashMap<>();
  private boolean shutDown;

  private record Waiting<K>(K key, long due) {}

  /** A key handed to a worker, and how long it waited in the queue. */
  public record Item<K>(K key, Duration queued) {}

  public WorkQueue(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** Adds {@code key} now. */
  public void add(K key) {
    lock.lock();
    try {
      addLocked(key);
    } finally {
      lock.unlock();
    }
  }

  /** Adds {@code key} once {@code delay} has passed (at once when it is zero or negative). */
  public void addAfter(K key, Duration delay) {
    if (delay.isNegative() || delay.isZero()) {
      add(key);
      return;
    }
    lock.lock();
    try {
      if (shutDown) {
        return;
      }
      long due = nanoTime.getAsLong() + delay.toNanos();
      Long known = waitingDue.get(key);
      if (known != null && known <= due) {
        return;
      }
      waitingDue.put(key, due);
      waiting.add(new Waiting<>(key, due));
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next key, waiting up to {@code timeout} for one; empty on timeout or after shutdown. The
   * caller must call {@link #done} with the key when finished.
   */
  public Optional<Item<K>> take(Duration timeout) throws InterruptedException {
    long deadline = nanoTime.getAsLong() + timeout.toNanos();
    lock.lock();
    try {
      while (true) {
        if (shutDown) {
          return Optional.empty();
        }
        long now = nanoTime.getAsLong();
        promoteDue(now);
        K key = queue.pollFirst();
        if (key != null) {
          dirty.remove(key);
          processing.add(key);
          Long added = addedAt.remove(key);
          return Optional.of(new Item<>(key, Duration.ofNanos(added == null ? 0 : now - added)));
        }
        if (now >= deadline) {
          return Optional.empty();
        }
        long wait = deadline - now;
        Waiting<K> next = waiting.peek();
        if (next != null) {
          wait = Math.min(wait, next.due - now);
        }
        changed.await(Math.max(wait, 1), TimeUnit.NANOSECONDS);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Marks {@code key} as finished; queues it again if it was added meanwhile. */
  public void done(K key) {
    lock.lock();
    try {
      processing.remove(key);
      if (dirty.contains(key) && !shutDown) {
        queue.addLast(key);
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Keys waiting to be taken now (not counting delayed or in-process ones). */
  public int depth() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Keys waiting for their delay to pass. */
  public int delayed() {
    lock.lock();
    try {
      return waitingDue.size();
    } finally {
      lock.unlock();
    }
  }

  public void shutDown() {
    lock.lock();
    try {
      shutDown = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void addLocked(K key) {
    if (shutDown || !dirty.add(key)) {
      return;
    }
    addedAt.put(key, nanoTime.getAsLong());
    if (processing.contains(key)) {
      return;
    }
    queue.addLast(key);
    changed.signalAll();
  }

  private void promoteDue(long now) {
    while (!waiting.isEmpty() && waiting.peek().due <= now) {
      Waiting<K> due = waiting.poll();
      Long current = waitingDue.get(due.key);
      if (current != null && current == due.due) {
        waitingDue.remove(due.key);
        addLocked(due.key);
      }
    }
  }
}
