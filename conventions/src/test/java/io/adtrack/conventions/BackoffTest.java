package io.adtrack.conventions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adtrack.testkit.Draws;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void theCeiling_doublesWithEachFailure_upToTheCap() {
    Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(2));

    assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(backoff.ceiling(5)).isEqualTo(Duration.ofMillis(1_600));
    assertThat(backoff.ceiling(6)).isEqualTo(Duration.ofSeconds(2));
    assertThat(backoff.ceiling(1_000)).as("no overflow after many failures").isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void theDelay_isFullyJittered_betweenOneMillisecondAndTheCeiling() {
    Backoff highest = Backoff.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), Draws.highest());
    Backoff lowest = Backoff.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), Draws.lowest());

    assertThat(highest.delay(3)).isEqualTo(Duration.ofMillis(200));
    assertThat(lowest.delay(3)).isEqualTo(Duration.ofMillis(1));
    assertThat(highest.delayNanos(30)).isEqualTo(Duration.ofSeconds(1).toNanos());
  }

  @Test
  void theSharedRandomSource_spreadsDelaysOverTheWholeRange() {
    Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofMillis(100));
    Set<Long> tenths = new HashSet<>();
    for (int i = 0; i < 2_000; i++) {
      Duration delay = backoff.delay(1);
      assertThat(delay).isBetween(Duration.ofMillis(1), Duration.ofMillis(100));
      tenths.add(delay.toMillis() / 10);
    }

    assertThat(tenths).as("every tenth of the range drawn at least once").hasSizeGreaterThanOrEqualTo(10);
  }

  @Test
  void aBackoff_needsAFailureAndAPositiveBaseBelowTheCap() {
    Backoff backoff = Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(1));

    assertThatThrownBy(() -> backoff.delay(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Backoff.exponential(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(backoff.delay(1)).isEqualTo(Duration.ofMillis(1));
  }
}
