package io.adtrack.local;

import static io.adtrack.local.E2e.get;
import static io.adtrack.local.E2e.json;
import static io.adtrack.local.E2e.newProgramId;
import static io.adtrack.local.E2e.persistedEvents;
import static io.adtrack.local.E2e.postJson;
import static io.adtrack.local.E2e.program;
import static io.adtrack.local.E2e.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.adtrack.conventions.Environment;
import io.adtrack.conventions.RedisLayout;
import io.adtrack.updater.UpdaterConfig;
import io.adtrack.updater.publish.SignClick;
import io.adtrack.updater.redis.RedisClients;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;

/**
 * The whole pipeline as ./run starts it (kinesalite, JSON), on free ports: tracking calls through the tracker's
 * production jar land in DynamoDB through the consumer handler; program documents published on core-data-updates
 * reach the tracker through the redis-updater handler.
 */
class PipelineIT {

  /**
   * How long a test waits for the pipeline to get something through: generous, as the machine is shared. How fast
   * it really is, bench/run measures (core data published -> served, call -> item).
   */
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final int N = 5;

  @TempDir
  static Path tempDir;

  private static LocalPipeline pipeline;
  private static URI tracker;
  private static RedisClient redis;

  @BeforeAll
  static void startPipeline() {
    pipeline = LocalPipeline.start(LocalPipelineConfig.onFreePorts());
    tracker = pipeline.trackerUri();
    redis = RedisClients.create(UpdaterConfig.forUrl(pipeline.redisUrl(), Duration.ofSeconds(2)));
  }

  @AfterAll
  static void stopPipeline() {
    if (redis != null) {
      redis.close();
    }
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void shouldServePublishedPrograms_withoutRestart() {
    String first = newProgramId("fresh");
    String second = newProgramId("fresh");
    long trackerPid = pipeline.trackerPid();

    publish(pipeline, tempDir, program(first, "Fresh One", 7001, 1), program(second, "Fresh Two", 7002, 1));

    await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50))
        .until(() -> get(tracker, "/event/" + first).statusCode() == 200
            && get(tracker, "/event/" + second).statusCode() == 200);
    assertThat(json(get(tracker, "/event/" + first)).get("programName").asText()).isEqualTo("Fresh One");
    assertThat(json(get(tracker, "/event/" + second)).get("programName").asText()).isEqualTo("Fresh Two");
    assertThat(pipeline.trackerPid()).as("the same tracker, told by pub/sub").isEqualTo(trackerPid);
  }

  @Test
  void shouldPersistExactlyOneItemPerValidCall_ofEveryKind_withTheEventsFields() throws Exception {
    String programId = newProgramId("calls");
    publishAndAwaitStored(program(programId, "Calls Program", 4242, 3));
    long before = System.currentTimeMillis();
    List<String> messageIds = new ArrayList<>();

    for (int i = 0; i < N; i++) {
      HttpResponse<String> event = get(tracker, "/event/" + programId + "?campaign=c" + i);
      assertThat(event.statusCode()).isEqualTo(200);
      messageIds.add(json(event).get("messageId").asText());
      HttpResponse<String> pixel = get(tracker, "/pixel/" + programId);
      assertThat(pixel.statusCode()).isEqualTo(200);
      assertThat(pixel.headers().firstValue("Content-Type")).contains("image/gif");
      HttpResponse<String> click = get(tracker, "/click/" + programId);
      assertThat(click.statusCode()).isEqualTo(302);
      assertThat(click.headers().firstValue("Location")).contains("https://advertiser.example/" + programId);
    }
    String batch = IntStream.range(0, N)
        .mapToObj(i -> "{\"programId\":\"" + programId + "\",\"type\":\"event\",\"customerId\":4242,"
            + "\"params\":{\"batch\":\"b" + i + "\"}}")
        .collect(Collectors.joining(",", "[", "]"));
    JsonNode batchAnswer = json(postJson(tracker, "/events", batch));
    assertThat(batchAnswer.get("accepted").asInt()).isEqualTo(N);
    batchAnswer.get("results").forEach(result -> messageIds.add(result.get("messageId").asText()));

    List<Map<String, AttributeValue>> items = awaitItems(programId, 4 * N);

    assertThat(items).hasSize(4 * N);
    assertThat(items).extracting(item -> item.get("messageId").s()).doesNotHaveDuplicates()
        .containsAll(messageIds);
    Map<String, Long> byType = items.stream()
        .collect(Collectors.groupingBy(item -> item.get("type").s(), Collectors.counting()));
    assertThat(byType).isEqualTo(Map.of("EVENT", 2L * N, "IMPRESSION", (long) N, "CLICK", (long) N));
    long after = System.currentTimeMillis();
    assertThat(items).allSatisfy(item -> {
      assertThat(item.get("programId").s()).isEqualTo(programId);
      assertThat(item.get("programName").s()).isEqualTo("Calls Program");
      assertThat(item.get("customerId").n()).isEqualTo("4242");
      assertThat(item.get("customerName").s()).isEqualTo("Customer 4242");
      assertThat(item.get("userAgent").s()).isEqualTo(E2e.USER_AGENT);
      assertThat(item.get("programVersion").n()).isEqualTo("3");
      long receivedAt = Long.parseLong(item.get("receivedAt").n());
      assertThat(receivedAt).isBetween(before, after);
      long expiresAt = Long.parseLong(item.get("expiresAt").n());
      assertThat(expiresAt).isBetween(receivedAt / 1000 + Duration.ofDays(89).toSeconds(),
          receivedAt / 1000 + Duration.ofDays(91).toSeconds());
      assertThat(item).doesNotContainKey("checksum");
      assertThat(item.get("privacy").s()).isEqualTo("IP_TRUNCATED");
      assertThat(item.get("clientIp").s()).isIn("127.0.0.0", "::");
    });
    assertThat(items).filteredOn(item -> item.containsKey("params"))
        .extracting(item -> item.get("params").m().getOrDefault("campaign",
            item.get("params").m().get("batch")).s())
        .contains("c0", "c4", "b0", "b4");
  }

  @Test
  void shouldPersistAnOptedOutCall_withoutPersonalData_sayingSoInThePrivacyAttribute() {
    String programId = newProgramId("opted-out");
    publishAndAwaitStored(program(programId, "Opted Out", 4343, 1));

    assertThat(E2e.get(tracker, "/pixel/" + programId, "Sec-GPC", "1", "Referer",
        "https://publisher.example/a?reader=alice").statusCode()).isEqualTo(200);
    assertThat(E2e.get(tracker, "/pixel/" + programId, "Referer", "https://publisher.example/a?reader=alice")
        .statusCode()).isEqualTo(200);

    List<Map<String, AttributeValue>> items = awaitItems(programId, 2);
    assertThat(items).filteredOn(item -> item.get("privacy").s().equals("LIMITED")).singleElement()
        .satisfies(item -> {
          assertThat(item).doesNotContainKeys("clientIp", "userAgent");
          assertThat(item.get("referer").s()).isEqualTo("https://publisher.example");
        });
    assertThat(items).filteredOn(item -> item.get("privacy").s().equals("IP_TRUNCATED")).singleElement()
        .satisfies(item -> {
          assertThat(item.get("userAgent").s()).isEqualTo(E2e.USER_AGENT);
          assertThat(item.get("referer").s()).isEqualTo("https://publisher.example/a");
        });
  }

  @Test
  void shouldStoreWhyNoPersonMadeACall_inTheItemsInvalidTrafficAttribute() {
    String programId = newProgramId("invalid-traffic");
    publishAndAwaitStored(program(programId, "Invalid Traffic", 4444, 1));

    assertThat(get(tracker, "/pixel/" + programId, "User-Agent", "Mozilla/5.0 (compatible; Googlebot/2.1; "
        + "+http://www.google.com/bot.html)").statusCode()).isEqualTo(200);
    assertThat(get(tracker, "/click/" + programId, "Sec-Purpose", "prefetch").statusCode()).isEqualTo(302);
    // The person's click (a prefetch opens no duplicate window), then the same click again within 10 s.
    assertThat(get(tracker, "/click/" + programId).statusCode()).isEqualTo(302);
    assertThat(get(tracker, "/click/" + programId).statusCode()).isEqualTo(302);

    Map<String, Long> byReason = awaitItems(programId, 4).stream().collect(Collectors.groupingBy(
        item -> item.containsKey("invalidTraffic") ? item.get("invalidTraffic").s() : "(none)",
        Collectors.counting()));
    assertThat(byReason).isEqualTo(Map.of("BOT", 1L, "PREFETCH", 1L, "DUPLICATE_CLICK", 1L, "(none)", 1L));
  }

  @Test
  void shouldRedirectALinkSignedBySignClick_refuseItTampered_andShowTheKeyNowhere() {
    String key = "e2e-click-signing-key-" + UUID.randomUUID();
    String programId = newProgramId("signed");
    Map<String, Object> document = program(programId, "Signed Links", 4545, 1);
    document.put("clickSigningKey", key);
    ListAppender<ILoggingEvent> logs = captureLogs();
    publishAndAwaitStored(document);
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    int exit = SignClick.run(new String[] {tracker.toString(), programId, "slot=top"},
        Environment.of(Map.of("CLICK_SIGNING_KEY", key)), Clock.systemUTC(),
        new PrintStream(out, true, StandardCharsets.UTF_8), System.err);

    assertThat(exit).isZero();
    URI link = URI.create(out.toString(StandardCharsets.UTF_8).strip());
    String signed = link.getRawPath() + "?" + link.getRawQuery();
    HttpResponse<String> click = get(tracker, signed);
    assertThat(click.statusCode()).isEqualTo(302);
    assertThat(click.headers().firstValue("Location")).contains("https://advertiser.example/" + programId);
    assertThat(get(tracker, signed.replace("slot=top", "slot=bottom")).statusCode()).isEqualTo(403);
    assertThat(get(tracker, "/click/" + programId + "?slot=top").statusCode()).isEqualTo(403);
    assertThat(awaitItems(programId, 1)).singleElement().satisfies(item -> {
      assertThat(item.get("type").s()).isEqualTo("CLICK");
      assertThat(item.get("params").m()).containsOnlyKeys("slot");
    });
    assertThat(link.toString()).doesNotContain(key);
    assertThat(captured(logs)).isNotEmpty()
        .allSatisfy(line -> assertThat(line.getFormattedMessage()).doesNotContain(key));
  }

  @Test
  void shouldPersistNothing_forInvalidCalls() {
    String programId = newProgramId("strict");
    String expired = newProgramId("expired");
    Map<String, Object> expiredProgram = program(expired, "Expired", 5002, 1);
    expiredProgram.put("validUntil", "2021-01-01T00:00:00Z");
    publishAndAwaitStored(program(programId, "Strict", 5001, 1));
    publishAndAwaitStored(expiredProgram);
    assertThat(get(tracker, "/event/" + expired).statusCode()).isEqualTo(410);
    String unknown = newProgramId("unknown");

    assertThat(get(tracker, "/event/" + unknown).statusCode()).isEqualTo(404);
    assertThat(get(tracker, "/click/" + unknown).statusCode()).isEqualTo(404);
    assertThat(get(tracker, "/pixel/" + unknown).statusCode()).isEqualTo(200);
    assertThat(get(tracker, "/event/" + programId + "?customerId=1").statusCode()).isEqualTo(400);
    assertThat(get(tracker, "/event/" + programId + "?checksum=wrong").statusCode()).isEqualTo(400);
    assertThat(get(tracker, "/pixel/" + programId + "?customerId=1").statusCode()).isEqualTo(200);
    assertThat(get(tracker, "/click/" + expired).statusCode()).isEqualTo(410);
    assertThat(postJson(tracker, "/events", "{\"not\":\"an array\"}").statusCode()).isEqualTo(400);
    JsonNode mixed = json(postJson(tracker, "/events", "[{\"programId\":\"" + programId + "\",\"type\":\"nope\"},"
        + "{\"programId\":\"" + unknown + "\",\"type\":\"event\"},"
        + "{\"programId\":\"" + programId + "\",\"type\":\"click\",\"customerId\":99}]"));
    assertThat(mixed.get("accepted").asInt()).isZero();

    // A valid call after the invalid ones: once it is persisted, anything the invalid ones produced would be too.
    String marker = json(get(tracker, "/event/" + programId + "?customerId=5001")).get("messageId").asText();
    List<Map<String, AttributeValue>> items = awaitItems(programId, 1);
    assertThat(items).extracting(item -> item.get("messageId").s()).containsExactly(marker);
    awaitDrained();
    assertThat(persistedEvents(pipeline.dynamoDb(), table(), programId)).hasSize(1);
    assertThat(persistedEvents(pipeline.dynamoDb(), table(), expired)).isEmpty();
    assertThat(persistedEvents(pipeline.dynamoDb(), table(), unknown)).isEmpty();
  }

  @Test
  void shouldShowAProgramUpdateInTheNextAnswers_andAnswer404AfterItsDeletion() {
    String programId = newProgramId("changing");
    publishAndAwaitStored(program(programId, "Before", 6001, 1));
    assertThat(json(get(tracker, "/event/" + programId)).get("programName").asText()).isEqualTo("Before");

    Map<String, Object> update = program(programId, "After", 6001, 2);
    update.put("landingUrl", "https://advertiser.example/new-landing");
    publish(pipeline, tempDir, update);

    await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50))
        .until(() -> json(get(tracker, "/event/" + programId)).path("programName").asText().equals("After"));
    assertThat(get(tracker, "/click/" + programId).headers().firstValue("Location"))
        .contains("https://advertiser.example/new-landing");

    publish(pipeline, tempDir, E2e.deletion(programId, 3));

    await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50))
        .until(() -> get(tracker, "/event/" + programId).statusCode() == 404);
    assertThat(get(tracker, "/click/" + programId).statusCode()).isEqualTo(404);

    // A late, older upsert must not bring the deleted program back.
    publish(pipeline, tempDir, program(programId, "Resurrected?", 6001, 2));
    // Documents of one stream shard are applied in order: once a later one is stored, the stale one has been seen.
    publishAndAwaitStored(program(newProgramId("probe"), "Probe", 6002, 1));
    assertThat(get(tracker, "/event/" + programId).statusCode()).isEqualTo(404);
  }

  @Test
  void shouldLogAndSkipAPoisonRecord_andPersistTheEventsAfterIt() {
    String programId = newProgramId("after-poison");
    publishAndAwaitStored(program(programId, "After Poison", 8001, 1));
    ListAppender<ILoggingEvent> logs = captureLogs();
    // One poison record at the start of each shard's hash range, so every shard has to get past one.
    List<PutRecordResponse> poison = List.of(BigInteger.ZERO, BigInteger.ONE.shiftLeft(127)).stream()
        .map(hashKey -> pipeline.kinesis().putRecord(b -> b.streamName(pipeline.config().eventStream())
            .partitionKey("poison")
            .explicitHashKey(hashKey.toString())
            .data(SdkBytes.fromByteArray(new byte[] {(byte) 0xff, 0x00, 0x13, 0x37}))))
        .toList();
    assertThat(poison).extracting(PutRecordResponse::shardId).doesNotHaveDuplicates();
    long skippedBefore = pipeline.consumerPoller().stats().recordsSkipped();

    for (int i = 0; i < 2 * N; i++) {
      assertThat(get(tracker, "/event/" + programId + "?i=" + i).statusCode()).isEqualTo(200);
    }

    assertThat(awaitItems(programId, 2 * N)).hasSize(2 * N);
    Function<PutRecordResponse, String> checkpoint = record ->
        pipeline.consumerPoller().checkpoint(record.shardId()).orElse("0");
    assertThat(poison).allSatisfy(record -> assertThat(new BigInteger(checkpoint.apply(record)))
        .isGreaterThanOrEqualTo(new BigInteger(record.sequenceNumber())));
    Set<String> logged = captured(logs).stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.toSet());
    assertThat(poison).allSatisfy(record -> assertThat(logged)
        .anyMatch(message -> message.contains(record.sequenceNumber()) && message.toLowerCase().contains("poison")));
    assertThat(pipeline.consumerPoller().stats().recordsSkipped()).isEqualTo(skippedBefore);
  }

  /**
   * Publishes a document and waits until the redis-updater has stored it. Asks Redis, not the tracker: a probing
   * tracking call would itself be an event, and tests count events.
   */
  private static void publishAndAwaitStored(Map<String, Object> document) {
    publish(pipeline, tempDir, document);
    String key = RedisLayout.programKey(document.get("programId").toString());
    String version = document.get("version").toString();
    await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50))
        .until(() -> version.equals(redis.hget(key, "version")));
  }

  private static List<Map<String, AttributeValue>> awaitItems(String programId, int atLeast) {
    return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
        .until(() -> persistedEvents(pipeline.dynamoDb(), table(), programId), items -> items.size() >= atLeast);
  }

  /** Until the consumer poller has read its shards empty at least once more. */
  private static void awaitDrained() {
    long polls = pipeline.consumerPoller().stats().polls();
    await().atMost(Duration.ofSeconds(10)).until(() -> pipeline.consumerPoller().stats().polls() >= polls + 4);
  }

  private static String table() {
    return pipeline.config().eventTable();
  }

  private static ListAppender<ILoggingEvent> captureLogs() {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(appender);
    return appender;
  }

  /** A copy of the lines captured so far, taken under the appender's lock: other threads keep logging meanwhile. */
  private static List<ILoggingEvent> captured(ListAppender<ILoggingEvent> logs) {
    synchronized (logs) {
      return List.copyOf(logs.list);
    }
  }
}
