package io.adtrack.tracker.redis;

import static io.adtrack.tracker.TrackerHarness.program;
import static io.adtrack.tracker.TrackerHarness.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.adtrack.tracker.TrackerHarness;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Redis cut off (the proxy in front of it closes every connection) or silent (it forwards nothing), and back. */
class RedisOutageTest {

  @RegisterExtension
  static final TrackerHarness harness = TrackerHarness.withEnv(Map.of("REDIS_TIMEOUT_MS", "300"));

  private final String cached = uniqueId("cached");
  private final String uncached = uniqueId("uncached");

  /** Two programs in Redis, only one of them in L1 yet. */
  @BeforeEach
  void storeTwoPrograms_andCacheOne() {
    harness.storeProgram(program(cached, 1, Map.of()));
    harness.storeProgram(program(uncached, 1, Map.of()));
    assertThat(harness.get("/event/" + cached).statusCode()).isEqualTo(200);
  }

  @Test
  void duringAnOutage_cachedProgramsAre200_uncachedAre503_andNotReady_thenAfterwardsAllIsCurrentAgain() {
    harness.redisProxy().cut();
    try {
      await().atMost(TrackerHarness.PATIENCE).until(() -> harness.management("/health/ready").statusCode() == 503);
      HttpResponse<Buffer> ready = harness.management("/health/ready");
      assertThat(ready.bodyAsJsonObject().getJsonArray("failing").getList())
          .contains("redisConnected", "redisSubscribed");

      assertThat(harness.get("/event/" + cached).statusCode()).isEqualTo(200);

      HttpResponse<Buffer> miss = harness.get("/event/" + uncached);
      assertThat(miss.statusCode()).isEqualTo(503);
      assertThat(miss.getHeader("Retry-After")).isNotBlank();
      assertThat(miss.bodyAsJsonObject().getInteger("status")).isEqualTo(503);
      assertThat(miss.bodyAsJsonObject().getString("error")).startsWith("core data unavailable");

      HttpResponse<Buffer> pixel = harness.get("/pixel/" + uncached);
      assertThat(pixel.statusCode()).isEqualTo(503);
      assertThat(pixel.getHeader("Content-Type")).isEqualTo("image/gif");
      assertThat(pixel.getHeader("Retry-After")).isNotBlank();

      // Changed while the tracker cannot hear about it: only invalidating L1 on resubscribe brings it in.
      harness.storeProgram(program(cached, 2, Map.of("programName", "changed during the outage")));
    } finally {
      harness.redisProxy().restore();
    }

    harness.awaitReady();
    await().atMost(TrackerHarness.PATIENCE).untilAsserted(() -> {
      HttpResponse<Buffer> response = harness.get("/event/" + cached);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.bodyAsJsonObject().getString("programName")).isEqualTo("changed during the outage");
    });
    assertThat(harness.get("/event/" + uncached).statusCode()).isEqualTo(200);
    assertThat(harness.get("/pixel/" + uncached).statusCode()).isEqualTo(200);
  }

  @Test
  void aRedisThatStopsAnswering_failsAMissWithinRedisTimeout_as503_neverAsA404() {
    harness.redisProxy().stall();
    try {
      HttpResponse<Buffer> miss = harness.get("/event/" + uncached);

      assertThat(miss.statusCode()).isEqualTo(503);
      assertThat(miss.bodyAsJsonObject().getString("error"))
          .as("REDIS_TIMEOUT_MS, not the client's patience, ended the wait")
          .isEqualTo("core data unavailable: Redis did not answer within 300 ms");
      assertThat(harness.get("/event/" + cached).statusCode()).as("L1 still answers").isEqualTo(200);
    } finally {
      harness.redisProxy().restore();
    }
    harness.awaitReady();
    await().atMost(TrackerHarness.PATIENCE).until(() -> harness.get("/event/" + uncached).statusCode() == 200);
  }
}
