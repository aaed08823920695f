package io.adtrack.updater;

import static io.adtrack.updater.TestRecords.deletion;
import static io.adtrack.updater.TestRecords.records;
import static io.adtrack.updater.TestRecords.uniqueId;
import static io.adtrack.updater.TestRecords.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adtrack.conventions.RedisLayout;
import io.adtrack.testkit.RedisServerFixture;
import io.adtrack.updater.coredata.ProgramValidator;
import io.adtrack.updater.redis.ProgramStore;
import io.adtrack.updater.redis.RedisClients;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

/** The updater logic against a real Redis and a real subscriber on the announcement channel. */
class CoreDataUpdaterTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static RedisServerFixture redis;
  private static RedisClient client;
  private static ChannelRecorder channel;
  private static CoreDataUpdater updater;

  @BeforeAll
  static void startRedis() {
    redis = RedisServerFixture.start();
    client = RedisClients.create(UpdaterConfig.forUrl(redis.url(), Duration.ofSeconds(2)));
    channel = ChannelRecorder.subscribe(redis.port());
    updater = new CoreDataUpdater(new ProgramValidator(), new ProgramStore(client));
  }

  @AfterAll
  static void stopRedis() {
    channel.close();
    client.close();
    redis.close();
  }

  @Test
  void shouldStoreEveryFieldAndAnnounceOnce_whenProgramIsNew() throws Exception {
    String id = uniqueId("new");
    String document = upsert(id, 7, "program2");

    CoreDataUpdater.BatchResult result = updater.process(records(List.of(document)));

    assertThat(result).isEqualTo(new CoreDataUpdater.BatchResult(1, 0, 0, List.of()));
    assertThat(client.hgetAll(RedisLayout.programKey(id))).containsExactlyInAnyOrderEntriesOf(Map.of(
        "programId", id, "programName", "program2", "customerId", "9124", "customerName", "Customer2",
        "checksum", "124", "validFrom", "2026-01-01T00:00:00Z", "validUntil", "2030-01-01T00:00:00Z",
        "landingUrl", "https://advertiser.example/offer", "version", "7"));
    channel.drain();
    assertThat(channel.messagesFor(id)).containsExactly(MAPPER.readTree(document));
  }

  @Test
  void shouldReplaceHashDroppingOmittedFieldsAndAnnounce_whenVersionIsHigher() throws Exception {
    String id = uniqueId("newer");
    String second = "{\"programId\":\"" + id + "\",\"programName\":\"renamed\",\"version\":8}";

    CoreDataUpdater.BatchResult result = updater.process(records(List.of(upsert(id, 7, "first"), second)));

    assertThat(result.applied()).isEqualTo(2);
    assertThat(client.hgetAll(RedisLayout.programKey(id)))
        .containsExactlyInAnyOrderEntriesOf(Map.of("programId", id, "programName", "renamed", "version", "8"));
    channel.drain();
    assertThat(channel.messagesFor(id)).extracting(m -> m.get("version").asLong()).containsExactly(7L, 8L);
    assertThat(channel.messagesFor(id).get(1)).isEqualTo(MAPPER.readTree(second));
  }

  @Test
  void shouldLeaveHashAndPublishNothing_whenVersionIsEqualOrLower() {
    String id = uniqueId("stale");
    updater.process(records(List.of(upsert(id, 5, "current"))));
    Map<String, String> before = client.hgetAll(RedisLayout.programKey(id));

    CoreDataUpdater.BatchResult result = updater.process(records(List.of(
        upsert(id, 5, "same version"), upsert(id, 4, "older"))));

    assertThat(result).isEqualTo(new CoreDataUpdater.BatchResult(0, 2, 0, List.of()));
    assertThat(client.hgetAll(RedisLayout.programKey(id))).isEqualTo(before);
    channel.drain();
    assertThat(channel.messagesFor(id)).extracting(m -> m.get("programName").asText()).containsExactly("current");
  }

  @Test
  void shouldDeleteHashKeepTombstoneAndAnnounce_whenDeletedIsTrue() throws Exception {
    String id = uniqueId("delete");

    CoreDataUpdater.BatchResult result = updater.process(records(List.of(upsert(id, 3, "doomed"),
        deletion(id, 4))));

    assertThat(result.applied()).isEqualTo(2);
    assertThat(client.exists(RedisLayout.programKey(id))).isFalse();
    assertThat(client.get(RedisLayout.tombstoneKey(id))).isEqualTo("4");
    assertThat(client.ttl(RedisLayout.tombstoneKey(id))).isEqualTo(-1L);
    channel.drain();
    assertThat(channel.messagesFor(id)).hasSize(2).last().isEqualTo(MAPPER.readTree(deletion(id, 4)));
  }

  @Test
  void shouldStayDeleted_whenOlderUpsertArrivesAfterDeletion() {
    String id = uniqueId("late");
    updater.process(records(List.of(upsert(id, 3, "live"), deletion(id, 4))));

    CoreDataUpdater.BatchResult result = updater.process(records(List.of(upsert(id, 3, "redelivered"),
        upsert(id, 2, "older still"), deletion(id, 4))));

    assertThat(result).isEqualTo(new CoreDataUpdater.BatchResult(0, 3, 0, List.of()));
    assertThat(client.exists(RedisLayout.programKey(id))).isFalse();
    assertThat(client.get(RedisLayout.tombstoneKey(id))).isEqualTo("4");
    channel.drain();
    assertThat(channel.messagesFor(id)).hasSize(2);
  }

  @Test
  void shouldRecreateProgramAndDropTombstone_whenUpsertIsNewerThanDeletion() {
    String id = uniqueId("reborn");
    updater.process(records(List.of(upsert(id, 3, "live"), deletion(id, 4))));

    CoreDataUpdater.BatchResult result = updater.process(records(List.of(upsert(id, 5, "back"))));

    assertThat(result.applied()).isEqualTo(1);
    assertThat(client.hget(RedisLayout.programKey(id), "programName")).isEqualTo("back");
    assertThat(client.exists(RedisLayout.tombstoneKey(id))).isFalse();
  }

  @Test
  void shouldApplyTheRestAndCountTheBadOne_whenInvalidDocumentIsInTheMiddle() {
    String before = uniqueId("before");
    String after = uniqueId("after");
    List<KinesisEventRecord> batch = records(List.of(upsert(before, 1, "a"),
        "{\"programId\":\"" + uniqueId("bad") + "\",\"version\":1,\"landingUrl\":\"javascript:alert(1)\"}",
        upsert(after, 1, "b")));
    long invalidBefore = updater.totals().invalid();

    CoreDataUpdater.BatchResult result = updater.process(batch);

    assertThat(result).isEqualTo(new CoreDataUpdater.BatchResult(2, 0, 1, List.of()));
    assertThat(updater.totals().invalid()).isEqualTo(invalidBefore + 1);
    assertThat(client.exists(RedisLayout.programKey(before))).isTrue();
    assertThat(client.exists(RedisLayout.programKey(after))).isTrue();
  }

  @Test
  void shouldStoreAClickSigningKey_rejectAShortOne_andLogNeither() {
    String key = "updater-test-key-" + uniqueId("secret");
    String shortKey = "short-" + uniqueId("s");
    String signed = uniqueId("signed");
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level level = root.getLevel();
    root.addAppender(logs);
    root.setLevel(Level.DEBUG);
    CoreDataUpdater.BatchResult result;
    try {
      result = updater.process(records(List.of(
          "{\"programId\":\"" + signed + "\",\"version\":1,\"clickSigningKey\":\"" + key + "\"}",
          "{\"programId\":\"" + uniqueId("short") + "\",\"version\":1,\"clickSigningKey\":\"" + shortKey + "\"}",
          "{\"programId\":\"" + signed + "\",\"version\":1,\"clickSigningKey\":\"" + key + "\"}")));
    } finally {
      root.setLevel(level);
      root.detachAppender(logs);
    }

    assertThat(result).isEqualTo(new CoreDataUpdater.BatchResult(1, 1, 1, List.of()));
    assertThat(client.hget(RedisLayout.programKey(signed), "clickSigningKey")).isEqualTo(key);
    assertThat(logs.list).as("the invalid and the stale record were logged").hasSizeGreaterThanOrEqualTo(2)
        .allSatisfy(line -> assertThat(line.getFormattedMessage()).doesNotContain(key).doesNotContain(shortKey));
  }

  @Test
  void shouldFallBackToEval_whenScriptCacheWasFlushed() {
    String id = uniqueId("flushed");
    updater.process(records(List.of(upsert(id, 1, "cached"))));
    client.scriptFlush();

    CoreDataUpdater.BatchResult result = updater.process(records(List.of(upsert(id, 2, "reloaded"))));

    assertThat(result.applied()).isEqualTo(1);
    assertThat(client.hget(RedisLayout.programKey(id), "programName")).isEqualTo("reloaded");
  }

  @Test
  void shouldPublishJsonWithTheInputFieldNames_whenDatesHaveOffsets() throws Exception {
    String id = uniqueId("offset");
    String document = "{\"programId\":\"" + id + "\",\"validFrom\":\"2026-01-01T02:00:00+02:00\",\"version\":1,"
        + "\"unknownField\":true}";

    updater.process(records(List.of(document)));

    channel.drain();
    JsonNode announced = channel.messagesFor(id).get(0);
    assertThat(announced).isEqualTo(MAPPER.readTree(
        "{\"programId\":\"" + id + "\",\"validFrom\":\"2026-01-01T00:00:00Z\",\"version\":1}"));
    assertThat(client.hget(RedisLayout.programKey(id), "validFrom")).isEqualTo("2026-01-01T00:00:00Z");
  }
}
