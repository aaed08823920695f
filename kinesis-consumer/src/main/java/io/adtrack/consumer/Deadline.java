package io.adtrack.consumer;

import java.time.Duration;

/** The point in time by which an invocation must have answered; retries stop short of it. */
public final class Deadline {

  private final long deadlineNanos;

  private Deadline(long deadlineNanos) {
    this.deadlineNanos = deadlineNanos;
  }

  /** A deadline {@code budget} from now; a negative budget is an expired deadline. */
  public static Deadline after(Duration budget) {
    return new Deadline(System.nanoTime() + budget.toNanos());
  }

  /** Milliseconds left, zero or negative once expired. */
  public long remainingMillis() {
    return Duration.ofNanos(deadlineNanos - System.nanoTime()).toMillis();
  }
}
