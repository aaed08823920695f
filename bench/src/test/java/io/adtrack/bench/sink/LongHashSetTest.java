package io.adtrack.bench.sink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LongHashSetTest {

  @Test
  void shouldCountEachValueOnce_acrossSeveralGrowths() {
    LongHashSet set = new LongHashSet();
    for (long i = 0; i < 300_000; i++) {
      assertThat(set.add(i * 7_919)).isTrue();
    }
    for (long i = 0; i < 300_000; i += 1_000) {
      assertThat(set.add(i * 7_919)).isFalse();
    }
    assertThat(set.size()).isEqualTo(300_000);
  }
}
