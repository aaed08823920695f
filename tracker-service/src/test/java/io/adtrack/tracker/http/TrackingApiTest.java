package io.adtrack.tracker.http;

import static io.adtrack.tracker.TrackerHarness.program;
import static io.adtrack.tracker.TrackerHarness.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import io.adtrack.proto.EventType;
import io.adtrack.proto.Privacy;
import io.adtrack.proto.TrackingEvent;
import io.adtrack.tracker.Compression;
import io.adtrack.tracker.TrackerHarness;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The tracking routes on their happy paths, each checked down to the records on the stream. */
@ExtendWith(VertxExtension.class)
class TrackingApiTest {

  @RegisterExtension
  static final TrackerHarness harness = TrackerHarness.withEnv(Map.of());

  @Test
  void event_answers200WithTheEnrichedEvent_andPutsExactlyOneDecodableRecordOnTheStream() {
    String id = uniqueId("event");
    harness.storeProgram(program(id, 3, Map.of()));
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("User-Agent", "test-agent/1.0")
        .add("Referer", "https://publisher.example/page?reader=alice#top")
        .add("X-Forwarded-For", "203.0.113.7, 10.0.0.1");

    HttpResponse<Buffer> response = harness.get("/event/" + id + "?customerId=9124&checksum=secret-" + id
        + "&campaign=spring&slot=top", headers);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("programId")).isEqualTo(id);
    assertThat(body.getString("programName")).isEqualTo("name of " + id);
    assertThat(body.getLong("customerId")).isEqualTo(9124L);
    assertThat(body.getString("customerName")).isEqualTo("Customer2");
    assertThat(body.getString("userAgent")).isEqualTo("test-agent/1.0");
    assertThat(body.getBoolean("valid")).isTrue();
    assertThat(body.getLong("receivedAt")).isPositive();
    assertThat(body.getString("privacy")).isEqualTo("IP_TRUNCATED");
    assertThat(response.bodyAsString()).doesNotContain("secret-").doesNotContain("checksum");

    TrackingEvent event = harness.awaitEvents(id, 1).get(0);
    assertThat(event.getMessageId()).isEqualTo(body.getString("messageId"));
    assertThat(event.getType()).isEqualTo(EventType.EVENT);
    assertThat(event.getProgramName()).isEqualTo("name of " + id);
    assertThat(event.getCustomerId()).isEqualTo(9124L);
    assertThat(event.getCustomerName()).isEqualTo("Customer2");
    assertThat(event.getUserAgent()).isEqualTo("test-agent/1.0");
    // By default: no query or fragment in the referer; X-Forwarded-For not trusted; the peer truncated to its /24.
    assertThat(event.getReferer()).isEqualTo("https://publisher.example/page");
    assertThat(event.getClientIp()).isEqualTo("127.0.0.0");
    assertThat(event.getPrivacy()).isEqualTo(Privacy.IP_TRUNCATED);
    assertThat(event.getReceivedAt()).isEqualTo(body.getLong("receivedAt"));
    assertThat(event.getProgramVersion()).isEqualTo(3);
    assertThat(event.getParamsMap()).containsExactlyInAnyOrderEntriesOf(Map.of("campaign", "spring", "slot", "top"));
    assertThat(harness.eventsOf(id)).hasSize(1);
  }

  @Test
  void anyOrigin_mayReadTheAnswers_byDefault() {
    String id = uniqueId("anyorigin");
    harness.storeProgram(program(id, 1, Map.of()));
    MultiMap fromAPage = MultiMap.caseInsensitiveMultiMap().add("Origin", "https://" + id + ".example");

    for (int call = 0; call < 2; call++) {
      HttpResponse<Buffer> response = harness.get("/event/" + id, fromAPage);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.getHeader("Access-Control-Allow-Origin")).isEqualTo("*");
      assertThat(response.getHeader("Vary")).isNull();
      assertThat(response.getHeader("Access-Control-Allow-Credentials")).isNull();
    }
    assertThat(harness.get("/event/" + id).getHeader("Access-Control-Allow-Origin")).isNull();
  }

  @ParameterizedTest(name = "{0}, {1}")
  @CsvSource({"text/plain;charset=UTF-8, identity", "application/json, gzip", "text/plain, deflate",
      "application/json, deflate-raw"})
  void postEvents_takesWhatBrowsersSend_plainTextAndCompressedBodies(String contentType, String coding) {
    String id = uniqueId("body");
    harness.storeProgram(program(id, 1, Map.of()));
    byte[] json = new JsonArray().add(new JsonObject().put("programId", id).put("type", "event")
        .put("params", new JsonObject().put("coding", coding))).toBuffer().getBytes();
    byte[] body = switch (coding) {
      case "gzip" -> Compression.gzip(json);
      case "deflate" -> Compression.deflate(json, false);
      case "deflate-raw" -> Compression.deflate(json, true);
      default -> json;
    };
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Content-Type", contentType)
        .add("Content-Encoding", coding.replace("-raw", ""));

    HttpResponse<Buffer> response = harness.send(HttpMethod.POST, "/events", headers, Buffer.buffer(body));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getInteger("accepted")).isEqualTo(1);
    assertThat(harness.awaitEvents(id, 1)).singleElement()
        .satisfies(event -> assertThat(event.getParamsMap()).containsEntry("coding", coding));
  }

  @Test
  void pixel_answersATransparentGifThatIsNotCached_andRecordsAnImpression() {
    String id = uniqueId("pixel");
    harness.storeProgram(program(id, 1, Map.of()));

    HttpResponse<Buffer> response = harness.get("/pixel/" + id);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("image/gif");
    assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
    assertThat(response.body().getBytes()).hasSize(43).startsWith('G', 'I', 'F', '8', '9', 'a');
    assertThat(harness.awaitEvents(id, 1)).singleElement()
        .satisfies(event -> assertThat(event.getType()).isEqualTo(EventType.IMPRESSION));
  }

  @Test
  void pixel_forARejectedCall_stillAnswersTheGif_butForwardsNothing() {
    String unknown = uniqueId("nopixel");
    String known = uniqueId("pixel-ok");
    harness.storeProgram(program(known, 1, Map.of()));

    HttpResponse<Buffer> response = harness.get("/pixel/" + unknown);
    assertThat(harness.get("/pixel/" + known).statusCode()).isEqualTo(200);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("image/gif");
    // The known program's impression arriving proves the stream was read after both calls were handled.
    harness.awaitEvents(known, 1);
    assertThat(harness.eventsOf(unknown)).isEmpty();
  }

  @Test
  void click_redirectsToTheProgramsLandingUrl_andRecordsAClick() {
    String id = uniqueId("click");
    harness.storeProgram(program(id, 1, Map.of()));

    HttpResponse<Buffer> response = harness.get("/click/" + id + "?landingUrl=https://evil.example/");

    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.getHeader("Location")).isEqualTo("https://advertiser.example/offer/" + id);
    assertThat(harness.awaitEvents(id, 1)).singleElement()
        .satisfies(event -> assertThat(event.getType()).isEqualTo(EventType.CLICK));
  }

  @Test
  void click_onAProgramWithoutLandingUrl_is404Json_andRecordsNothing() {
    String id = uniqueId("nolanding");
    harness.storeProgram(program(id, 1, Map.of("landingUrl", "")));

    HttpResponse<Buffer> response = harness.get("/click/" + id);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.bodyAsJsonObject().getInteger("status")).isEqualTo(404);
    assertThat(response.bodyAsJsonObject().getString("error")).contains("landing URL");
    assertThat(harness.get("/event/" + id).statusCode()).isEqualTo(200);
    assertThat(harness.awaitEvents(id, 1)).extracting(TrackingEvent::getType).containsExactly(EventType.EVENT);
  }

  @Test
  void postEvents_answersOneResultPerEventInOrder_andPutsOneRecordPerValidEvent() {
    String id = uniqueId("batch");
    harness.storeProgram(program(id, 1, Map.of()));
    JsonArray events = new JsonArray()
        .add(new JsonObject().put("programId", id).put("type", "event").put("customerId", 9124)
            .put("checksum", "secret-" + id).put("params", new JsonObject().put("k", "v")))
        .add(new JsonObject().put("programId", uniqueId("unknown")).put("type", "event"))
        .add(new JsonObject().put("programId", id).put("type", "impression"))
        .add(new JsonObject().put("programId", id).put("type", "click").put("customerId", "1"))
        .add(new JsonObject().put("programId", id).put("type", "visit"))
        .add(new JsonObject().put("programId", id).put("type", "click"));

    HttpResponse<Buffer> response = harness.post("/events", "application/json", events.toBuffer());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonArray results = response.bodyAsJsonObject().getJsonArray("results");
    assertThat(results.stream().map(r -> ((JsonObject) r).getInteger("status")))
        .containsExactly(200, 404, 200, 400, 400, 200);
    assertThat(results.stream().map(r -> ((JsonObject) r).getInteger("index"))).containsExactly(0, 1, 2, 3, 4, 5);
    Set<String> acknowledged = results.stream().map(r -> ((JsonObject) r).getString("messageId"))
        .filter(messageId -> messageId != null).collect(Collectors.toSet());
    assertThat(acknowledged).hasSize(3);

    List<TrackingEvent> stored = harness.awaitEvents(id, 3);
    assertThat(stored).extracting(TrackingEvent::getMessageId).containsExactlyInAnyOrderElementsOf(acknowledged);
    assertThat(stored).extracting(TrackingEvent::getType)
        .containsExactlyInAnyOrder(EventType.EVENT, EventType.IMPRESSION, EventType.CLICK);
    assertThat(stored).filteredOn(e -> e.getType() == EventType.EVENT).singleElement()
        .satisfies(e -> assertThat(e.getParamsMap()).containsExactlyEntriesOf(Map.of("k", "v")));
  }

  @Test
  void healthAndMetrics_reportReadinessAndCounters() {
    String id = uniqueId("metrics");
    harness.storeProgram(program(id, 1, Map.of()));
    assertThat(harness.get("/event/" + id).statusCode()).isEqualTo(200);

    assertThat(harness.management("/health/live").statusCode()).isEqualTo(200);
    HttpResponse<Buffer> ready = harness.management("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.bodyAsJsonObject().getJsonObject("checks").fieldNames())
        .contains("redisConnected", "redisSubscribed", "kinesisReachable", "spoolAccepting");
    String metrics = harness.metrics();
    assertThat(metrics)
        .contains("tracker_requests_total{outcome=\"accepted\",route=\"event\"}")
        .contains("tracker_cache_hits_total", "tracker_cache_misses_total", "tracker_redis_latency_seconds")
        .contains("tracker_kinesis_batches_total", "tracker_kinesis_records_sent_total",
            "tracker_kinesis_records_failed_total", "tracker_kinesis_records_retried_total")
        .contains("tracker_buffer_records", "tracker_buffer_bytes", "tracker_buffer_oldest_age_seconds")
        .contains("tracker_spool_bytes", "tracker_spool_records", "tracker_spool_segments",
            "tracker_spool_replayed_total", "tracker_spool_skipped_total")
        .contains("jvm_memory_used_bytes{area=\"heap\"", "jvm_gc_memory_allocated_bytes_total",
            "jvm_threads_live_threads", "process_cpu_usage");
  }

  @Test
  void healthAndMetrics_areOnTheManagementPortOnly_andTrackingOnThePublicOne() {
    String id = uniqueId("ports");
    harness.storeProgram(program(id, 1, Map.of()));
    MultiMap fromAPage = MultiMap.caseInsensitiveMultiMap().add("Origin", "https://publisher.example");

    for (String path : new String[] {"/health/live", "/health/ready", "/metrics"}) {
      HttpResponse<Buffer> onPublic = harness.get(path, fromAPage);
      assertThat(onPublic.statusCode()).as("public " + path).isEqualTo(404);
      assertThat(onPublic.bodyAsJsonObject()).as("public " + path)
          .isEqualTo(new JsonObject().put("error", "no such route: " + path).put("status", 404));
      HttpResponse<Buffer> onManagement = harness.management(path);
      assertThat(onManagement.statusCode()).as("management " + path).isEqualTo(200);
      assertThat(onManagement.getHeader("Access-Control-Allow-Origin")).as("management " + path).isNull();
    }
    assertThat(harness.management("/metrics").getHeader("Content-Type")).startsWith("text/plain; version=0.0.4");
    assertThat(harness.management("/event/" + id).statusCode()).as("no tracking on the management port")
        .isEqualTo(404);
    assertThat(harness.send(HttpMethod.POST, "/metrics", MultiMap.caseInsensitiveMultiMap(), Buffer.buffer("x"))
        .statusCode()).isEqualTo(404);
    assertThat(harness.get("/event/" + id).statusCode()).isEqualTo(200);
  }

  @Test
  void concurrentRequests_forOneUncachedProgram_areAllAnswered(io.vertx.core.Vertx vertx,
      VertxTestContext testContext) {
    String id = uniqueId("burst");
    harness.storeProgram(program(id, 1, Map.of()));
    int calls = 20;
    Checkpoint answered = testContext.checkpoint(calls);
    for (int i = 0; i < calls; i++) {
      harness.http().get(harness.port(), "localhost", "/event/" + id).send()
          .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
            assertThat(response.statusCode()).isEqualTo(200);
            answered.flag();
          })));
    }
  }
}
