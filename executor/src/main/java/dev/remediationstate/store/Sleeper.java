package dev.remediationstate.store;

/** Waits between attempts. Injected so retry timing is tested without sleeping. */
@FunctionalInterface
public interface Sleeper {
  void sleep(long millis) throws InterruptedException;

  Sleeper REAL = Thread::sleep;
}
