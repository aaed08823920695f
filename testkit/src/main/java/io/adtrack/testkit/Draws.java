package io.adtrack.testkit;

import java.util.function.LongUnaryOperator;
import java.util.random.RandomGenerator;

/**
 * Random generators that always draw the same end of the range asked for, so a jittered backoff waits a known time
 * (its ceiling, or its floor) and a test can say "not before, and then at once".
 */
public final class Draws {

  private Draws() {
  }

  /** {@code nextLong(bound)} is always {@code bound - 1}. */
  public static RandomGenerator highest() {
    return fixed(bound -> bound - 1);
  }

  /** {@code nextLong(bound)} is always 0. */
  public static RandomGenerator lowest() {
    return fixed(bound -> 0);
  }

  private static RandomGenerator fixed(LongUnaryOperator draw) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return draw.applyAsLong(Long.MAX_VALUE);
      }

      @Override
      public long nextLong(long bound) {
        return draw.applyAsLong(bound);
      }
    };
  }
}
