package io.adtrack.tracker.support;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets one log line through per interval and counts the rest, so a dependency outage under load writes a handful
 * of WARN lines with their cause instead of one per request.
 */
public final class LogThrottle {

  private final long intervalNanos;
  private final AtomicLong nextAllowedNanos;
  private final AtomicLong suppressed = new AtomicLong();

  public LogThrottle(Duration interval) {
    this.intervalNanos = interval.toNanos();
    this.nextAllowedNanos = new AtomicLong(System.nanoTime());
  }

  /**
   * Whether to log now. When it says yes, {@link #takeSuppressed()} tells how many were held back since.
   */
  public boolean tryAcquire() {
    long now = System.nanoTime();
    long next = nextAllowedNanos.get();
    if (now - next >= 0 && nextAllowedNanos.compareAndSet(next, now + intervalNanos)) {
      return true;
    }
    suppressed.incrementAndGet();
    return false;
  }

  /** How many log lines were held back since the last one let through. */
  public long takeSuppressed() {
    return suppressed.getAndSet(0);
  }
}
