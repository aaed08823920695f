package io.adtrack.tracker.delivery;

import static io.adtrack.tracker.TrackerHarness.program;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.adtrack.testkit.KinesisEmulator;
import io.adtrack.testkit.RedisServerFixture;
import io.adtrack.testkit.TcpProxy;
import io.adtrack.tracker.TrackerHarness;
import io.adtrack.tracker.TrackerProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * ACK_AFTER=spool in a tracker JVM of its own when the spool cannot take more: Kinesis down until SPOOL_MAX_BYTES
 * is reached, and a disk that refuses writes. Calls get 503 + Retry-After, readiness says why, the process lives on,
 * and it recovers by itself; exactly the acknowledged events reach the stream.
 */
class SpoolPressureTest {

  private static final Logger LOG = LoggerFactory.getLogger(SpoolPressureTest.class);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static RedisServerFixture redis;
  private static KinesisEmulator kinesis;
  private static TcpProxy kinesisLine;

  @TempDir
  Path spoolDir;

  @BeforeAll
  static void standIns() {
    redis = RedisServerFixture.start();
    kinesis = KinesisEmulator.kinesalite();
    kinesisLine = TcpProxy.start(kinesis.port());
  }

  @BeforeEach
  void kinesisReachable() {
    kinesisLine.restore();
  }

  @AfterAll
  static void stopStandIns() {
    kinesisLine.close();
    kinesis.close();
    redis.close();
  }

  /**
   * The 60 s outage, scaled to test time with the same shape: Kinesis down under load, 200 while the backlog
   * grows on disk, 503 once it reaches SPOOL_MAX_BYTES; the live heap (after a full collection) is the same with a
   * quarter of the backlog and with all of it; Kinesis comes back and exactly the acknowledged events arrive.
   * bench/ runs the full 60 s outage with a production-sized spool and watches the RSS.
   */
  @Test
  void kinesisDown_200UntilTheSpoolIsFull_then503_theBacklogOnDiskNotOnTheHeap_andExactlyTheAcknowledgedArrive()
      throws Exception {
    long spoolMaxBytes = 48L << 20;
    String stream = "outage-" + UUID.randomUUID();
    String programId = programFor(stream);
    Map<String, String> env = TrackerProcess.environment(redis.url(), kinesisLine.port(), stream, Map.of(
        "SPOOL_DIR", spoolDir.toString(),
        "SPOOL_MAX_BYTES", Long.toString(spoolMaxBytes)));
    try (TrackerProcess tracker = TrackerProcess.start(List.of(), List.of("-XX:+UseSerialGC"), env).awaitReady()) {
      kinesisLine.cut();
      List<Integer> statuses = new ArrayList<>();
      Set<String> acknowledged = new HashSet<>();
      while (tracker.metric("tracker_spool_bytes") < spoolMaxBytes / 4) {
        postBigEvents(tracker.port(), programId, statuses, acknowledged);
      }
      long liveWithAQuarter = liveHeap(tracker);
      while (statuses.stream().filter(status -> status == 503).count() < 1_000) {
        postBigEvents(tracker.port(), programId, statuses, acknowledged);
      }
      long liveWithAll = liveHeap(tracker);

      int firstRefusal = statuses.indexOf(503);
      assertThat(statuses.subList(0, firstRefusal)).as("200 until full").containsOnly(200);
      assertThat(statuses.subList(firstRefusal, statuses.size())).as("then 503").containsOnly(503);
      double spoolBytes = tracker.metric("tracker_spool_bytes");
      assertThat(spoolBytes).as("filled to within a call of SPOOL_MAX_BYTES")
          .isGreaterThan(spoolMaxBytes - (2L << 20)).isLessThanOrEqualTo(spoolMaxBytes);
      assertThat(liveWithAll - liveWithAQuarter).as("live heap growth while the backlog grew by three quarters of "
          + "SPOOL_MAX_BYTES (%d -> %d bytes live)", liveWithAQuarter, liveWithAll).isLessThan(spoolMaxBytes / 8);
      HttpResponse<String> ready = tracker.management("/health/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      JsonObject spoolCheck = new JsonObject(ready.body()).getJsonObject("checks").getJsonObject("spoolAccepting");
      assertThat(spoolCheck.getBoolean("ok")).isFalse();
      assertThat(spoolCheck.getString("detail")).contains("% full");
      LOG.info("Outage: {} events acknowledged, {} refused, spool {} bytes; live heap {} bytes at a quarter of the "
              + "backlog, {} bytes at all of it", acknowledged.size(), statuses.size() - acknowledged.size(),
          (long) spoolBytes, liveWithAQuarter, liveWithAll);

      kinesisLine.restore();

      await("the backlog sent").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
          .failFast("the tracker exited", () -> !tracker.isAlive())
          .until(() -> tracker.metric("tracker_spool_records") == 0);
      assertThat(partitionKeys(kinesis.readAll(stream))).as("exactly the acknowledged events on the stream")
          .isEqualTo(acknowledged);
      tracker.awaitReady();
    }
  }

  /**
   * A disk that refuses writes, by a file-size limit on the process (as the test cannot fill a file system): 503 +
   * Retry-After, readiness red with the system's reason, no crash; once the limit is lifted the spool finds out by
   * itself and calls are 200 again; nothing acknowledged is lost, nothing refused is sent.
   */
  @Test
  void aDiskThatRefusesWrites_is503AndNotReady_withoutACrash_andRecoversByItself() throws Exception {
    String stream = "disk-" + UUID.randomUUID();
    String programId = programFor(stream);
    long limit = 512 * 1024;
    Map<String, String> env = TrackerProcess.environment(redis.url(), kinesisLine.port(), stream, Map.of(
        "SPOOL_DIR", spoolDir.toString()));
    try (TrackerProcess tracker = TrackerProcess.start(List.of("prlimit", "--fsize=" + limit + ":"), List.of(), env)
        .awaitReady()) {
      // Nothing confirmed, nothing deleted: the segment must grow into the limit.
      kinesisLine.cut();
      List<Integer> statuses = new ArrayList<>();
      Set<String> acknowledged = new HashSet<>();
      while (!statuses.contains(503)) {
        postSmallEvents(tracker.port(), programId, statuses, acknowledged);
      }

      assertThat(statuses.subList(0, statuses.indexOf(503))).containsOnly(200);
      assertThat(tracker.isAlive()).isTrue();
      HttpResponse<String> refused = get(tracker.port(), "/event/" + programId);
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).contains("1");
      assertThat(new JsonObject(refused.body()).getString("error"))
          .isEqualTo("events cannot be stored right now, retry later");
      JsonObject spoolCheck = spoolCheck(tracker);
      assertThat(spoolCheck.getBoolean("ok")).isFalse();
      assertThat(spoolCheck.getString("detail")).contains("File too large");
      assertThat(tracker.metric("tracker_requests_total{outcome=\"spool_unavailable\",route=\"event\"}"))
          .isPositive();

      Process lift = new ProcessBuilder("prlimit", "--pid", Long.toString(tracker.pid()), "--fsize=unlimited:")
          .inheritIO().start();
      assertThat(lift.waitFor(30, TimeUnit.SECONDS) && lift.exitValue() == 0).as("the limit lifted").isTrue();
      await("the spool writable again, found out by itself").atMost(TrackerHarness.PATIENCE)
          .pollInterval(Duration.ofMillis(200)).until(() -> spoolCheck(tracker).getBoolean("ok"));
      HttpResponse<String> again = get(tracker.port(), "/event/" + programId);
      assertThat(again.statusCode()).isEqualTo(200);
      acknowledged.add(new JsonObject(again.body()).getString("messageId"));
      kinesisLine.restore();

      await("exactly the acknowledged events on the stream").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
              assertThat(partitionKeys(kinesis.readAll(stream))).isEqualTo(acknowledged));
      LOG.info("Disk refusing writes: {} events acknowledged, all on the stream", acknowledged.size());
    }
  }

  /** A program for one stream (and so one test). */
  private static String programFor(String stream) {
    String programId = "p-" + stream.substring(stream.length() - 12);
    kinesis.createStream(stream, 2);
    TrackerHarness.storeProgram(redis.url(), program(programId, 1, Map.of()));
    return programId;
  }

  /** POST /events of 250 events of ~4 KiB each (4 parameters of 1,000 characters): about 1 MB a call. */
  private static void postBigEvents(int port, String programId, List<Integer> statuses, Set<String> acknowledged)
      throws Exception {
    JsonObject params = new JsonObject();
    for (int i = 0; i < 4; i++) {
      params.put("p" + i, "x".repeat(1_000));
    }
    post(port, programId, 250, params, statuses, acknowledged);
  }

  private static void postSmallEvents(int port, String programId, List<Integer> statuses, Set<String> acknowledged)
      throws Exception {
    post(port, programId, 200, new JsonObject().put("slot", "top"), statuses, acknowledged);
  }

  private static void post(int port, String programId, int events, JsonObject params, List<Integer> statuses,
      Set<String> acknowledged) throws Exception {
    JsonArray body = new JsonArray();
    for (int i = 0; i < events; i++) {
      body.add(new JsonObject().put("programId", programId).put("type", "event").put("params", params));
    }
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/events"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode()))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    for (Object result : new JsonObject(response.body()).getJsonArray("results")) {
      JsonObject answer = (JsonObject) result;
      statuses.add(answer.getInteger("status"));
      if (answer.getInteger("status") == 200) {
        acknowledged.add(answer.getString("messageId"));
      }
    }
  }

  private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject spoolCheck(TrackerProcess tracker) {
    return new JsonObject(tracker.management("/health/ready").body()).getJsonObject("checks")
        .getJsonObject("spoolAccepting");
  }

  /**
   * What a full collection leaves of the tracker's heap: {@code jcmd GC.run}, then the old generation (the serial
   * collector moves every survivor there), read from the tracker's own metrics.
   */
  private static long liveHeap(TrackerProcess tracker) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process gc = new ProcessBuilder(jcmd.toString(), Long.toString(tracker.pid()), "GC.run")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(gc.waitFor(60, TimeUnit.SECONDS) && gc.exitValue() == 0).as("jcmd GC.run").isTrue();
    return (long) tracker.metric("jvm_memory_used_bytes{area=\"heap\",id=\"Tenured Gen\"}");
  }

  private static Set<String> partitionKeys(List<Record> records) {
    Set<String> keys = new HashSet<>();
    records.forEach(record -> keys.add(record.partitionKey()));
    return keys;
  }
}
