package io.adtrack.tracker.support;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter (a random delay between 0 and {@code min(cap, base * 2^attempt)}), so many
 * instances retrying after one outage do not hammer the dependency in lockstep. Not thread-safe: each user keeps
 * its own, on its own context.
 */
public final class Backoff {

  private final long baseMillis;
  private final long capMillis;
  private int attempt;

  public Backoff(Duration base, Duration cap) {
    this.baseMillis = Math.max(1, base.toMillis());
    this.capMillis = Math.max(baseMillis, cap.toMillis());
  }

  /** The delay before the next attempt (at least 1 ms); each call doubles the ceiling up to the cap. */
  public long nextDelayMillis() {
    return delayMillis(attempt++);
  }

  /**
   * The delay after {@code failuresBefore + 1} failures in a row (at least 1 ms), for callers that count failures
   * themselves (e.g. per record): a random value up to {@code min(cap, base * 2^failuresBefore)}. Stateless.
   */
  public long delayMillis(int failuresBefore) {
    long ceiling = failuresBefore >= 30 ? capMillis
        : Math.min(capMillis, baseMillis << Math.max(0, failuresBefore));
    return 1 + ThreadLocalRandom.current().nextLong(ceiling);
  }

  /** How many failures in a row led here. */
  public int failures() {
    return attempt;
  }

  /** After a success: the next failure starts from the base again. */
  public void reset() {
    attempt = 0;
  }
}
