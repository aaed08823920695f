package io.adtrack.conventions;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedisLayoutTest {

  @Test
  void aProgramsKeys_andTheChannel_areTheContractsNames() {
    assertThat(RedisLayout.programKey("212313")).isEqualTo("program:212313");
    assertThat(RedisLayout.tombstoneKey("212313")).isEqualTo("program-tombstone:212313");
    assertThat(RedisLayout.CHANNEL).isEqualTo("core-data-updates");
    assertThat(RedisLayout.clickDedupKey("212313", "q7Fz")).isEqualTo("click-dedup:212313:q7Fz");
  }
}
