package io.adtrack.updater;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import io.adtrack.conventions.Environment;
import io.adtrack.conventions.RedisLayout;
import io.adtrack.testkit.FreePorts;
import io.adtrack.testkit.RedisServerFixture;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import redis.clients.jedis.Jedis;

/** The handler as Lambda calls it, from a JSON Kinesis event fixture, against a real Redis. */
class RedisUpdaterHandlerTest {

  private static RedisServerFixture redis;
  private static RedisUpdaterHandler handler;

  @BeforeAll
  static void start() {
    redis = RedisServerFixture.start();
    handler = new RedisUpdaterHandler(UpdaterConfig.forUrl(redis.url(), Duration.ofSeconds(2)));
  }

  @AfterAll
  static void stop() {
    redis.close();
  }

  @ParameterizedTest
  @Event(value = "events/kinesis-core-data.json", type = KinesisEvent.class)
  void shouldApplyValidRecordsAndSkipTheInvalidOne_whenCalledWithAKinesisEvent(KinesisEvent event) {
    StreamsEventResponse response = handler.handleRequest(event, null);

    assertThat(response.getBatchItemFailures()).isEmpty();
    try (Jedis jedis = new Jedis("localhost", redis.port())) {
      assertThat(jedis.hgetAll(RedisLayout.programKey("fixture-a")))
          .containsEntry("programName", "Fixture A")
          .containsEntry("customerId", "42")
          .containsEntry("landingUrl", "https://advertiser.example/a")
          .containsEntry("version", "3")
          .hasSize(9);
      assertThat(jedis.exists(RedisLayout.programKey("fixture-b"))).isFalse();
      assertThat(jedis.get(RedisLayout.tombstoneKey("fixture-b"))).isEqualTo("2");
      assertThat(jedis.keys("program:fixture bad!")).isEmpty();
    }
  }

  @ParameterizedTest
  @Event(value = "events/kinesis-core-data.json", type = KinesisEvent.class)
  void shouldReportEveryRecordInOrder_whenRedisIsDownFromTheFirstRecord(KinesisEvent event) {
    RedisUpdaterHandler unreachable = new RedisUpdaterHandler(UpdaterConfig.fromEnvironment(Environment.of(Map.of(
        "REDIS_URL", "redis://localhost:" + FreePorts.next(), "REDIS_TIMEOUT_MS", "500"))));

    StreamsEventResponse response = unreachable.handleRequest(event, null);

    assertThat(response.getBatchItemFailures()).extracting(BatchItemFailure::getItemIdentifier)
        .containsExactlyElementsOf(event.getRecords().stream().map(r -> r.getKinesis().getSequenceNumber())
            .toList());
  }
}
