package io.adtrack.tracker.spool;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** Clocks that move only when the test says so. */
final class FakeTime implements SpoolTime {

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final AtomicLong millis = new AtomicLong(1_767_225_600_000L);

  void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
    millis.addAndGet(duration.toMillis());
  }

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  @Override
  public long currentTimeMillis() {
    return millis.get();
  }
}
