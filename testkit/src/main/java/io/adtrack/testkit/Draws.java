package io.adtrack.testkit;

import java.util.random.RandomGenerator;

/**
 * Random generators that always draw the top of the range asked for, so a jittered backoff waits a known time (its
 * ceiling) and a test can say "not before, and then at once".
 */
public final class Draws {

  private Draws() {
  }

  /** {@code nextLong(bound)} is always {@code bound - 1}. */
  public static RandomGenerator highest() {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return Long.MAX_VALUE;
      }

      @Override
      public long nextLong(long bound) {
        return bound - 1;
      }
    };
  }
}
