package io.adtrack.conventions;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The one retry policy of every part: exponential backoff with full jitter. After the {@code n}-th failure in a row
 * the wait is drawn uniformly from {@code [1 ms, min(cap, base * 2^(n-1))]}, so many clients retrying after one
 * outage spread out instead of hammering the dependency in lockstep, and the first retries come quickly. Immutable
 * and thread-safe; callers count their failures themselves (per record, per connection, per call).
 */
public final class Backoff {

  private static final long MIN_DELAY_NANOS = 1_000_000;
  /** Past this many doublings any sensible base has reached any sensible cap. */
  private static final int MAX_DOUBLINGS = 40;

  private final long baseNanos;
  private final long capNanos;
  private final RandomGenerator random;

  private Backoff(Duration base, Duration cap, RandomGenerator random) {
    if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < base <= cap, got " + base + " and " + cap);
    }
    this.baseNanos = Math.max(MIN_DELAY_NANOS, base.toNanos());
    this.capNanos = Math.max(baseNanos, cap.toNanos());
    this.random = random;
  }

  /** The policy with a shared random source. */
  public static Backoff exponential(Duration base, Duration cap) {
    return new Backoff(base, cap, null);
  }

  /** The same policy drawing from {@code random}: tests pass one that makes the delays predictable. */
  public static Backoff exponential(Duration base, Duration cap, RandomGenerator random) {
    return new Backoff(base, cap, random);
  }

  /** The longest wait after {@code failures} failures in a row (at least one): {@code min(cap, base * 2^(n-1))}. */
  public Duration ceiling(int failures) {
    return Duration.ofNanos(ceilingNanos(failures));
  }

  /** The wait after {@code failures} failures in a row (at least one), between 1 ms and {@link #ceiling}. */
  public Duration delay(int failures) {
    return Duration.ofNanos(delayNanos(failures));
  }

  /** {@link #delay} in nanoseconds, for callers that keep time as {@code System.nanoTime()} values. */
  public long delayNanos(int failures) {
    long ceiling = ceilingNanos(failures);
    RandomGenerator source = random == null ? ThreadLocalRandom.current() : random;
    return MIN_DELAY_NANOS + source.nextLong(ceiling - MIN_DELAY_NANOS + 1);
  }

  private long ceilingNanos(int failures) {
    if (failures < 1) {
      throw new IllegalArgumentException("a backoff follows at least one failure, got " + failures);
    }
    int doublings = Math.min(failures - 1, MAX_DOUBLINGS);
    return baseNanos > capNanos >> doublings ? capNanos : baseNanos << doublings;
  }

  @Override
  public String toString() {
    return "Backoff[exponential, full jitter, " + Duration.ofNanos(baseNanos) + " .. " + Duration.ofNanos(capNanos)
        + "]";
  }
}
