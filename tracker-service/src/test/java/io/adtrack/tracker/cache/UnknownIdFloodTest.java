package io.adtrack.tracker.cache;

import static io.adtrack.tracker.TrackerHarness.program;
import static io.adtrack.tracker.TrackerHarness.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.adtrack.tracker.TrackerHarness;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A flood of invented program ids against the real tracker and Redis: unknown ids stay within their own bound and
 * never push known programs out of L1, and misses beyond REDIS_MAX_MISSES_IN_FLIGHT are answered 503 at once while
 * Redis is stalled instead of queueing on it.
 */
class UnknownIdFloodTest {

  private static final int UNKNOWN_BOUND = 50;
  private static final int MAX_MISSES = 4;

  @RegisterExtension
  static final TrackerHarness harness = TrackerHarness.withEnv(Map.of(
      // Small enough for the flood to overrun it, were unknown ids kept with the programs.
      "CACHE_MAX_ENTRIES", "400",
      "NEGATIVE_CACHE_MAX_ENTRIES", Integer.toString(UNKNOWN_BOUND),
      "REDIS_MAX_MISSES_IN_FLIGHT", Integer.toString(MAX_MISSES),
      // Long enough for the stalled lookups to be seen in flight, short enough for them to end soon after.
      "REDIS_TIMEOUT_MS", "5000"));

  private final List<String> known = new ArrayList<>();

  @BeforeEach
  void storeAndCacheKnownPrograms() {
    for (int i = 0; i < 20; i++) {
      String id = uniqueId("known");
      harness.storeProgram(program(id, 1, Map.of()));
      assertThat(harness.get("/event/" + id).statusCode()).isEqualTo(200);
      known.add(id);
    }
  }

  @Test
  void unknownIds_stayWithinTheirBound_andKnownProgramsStayInL1() {
    for (int i = 0; i < 500; i++) {
      assertThat(harness.get("/event/" + uniqueId("invented")).statusCode()).isEqualTo(404);
    }
    double missesBefore = metric("tracker_cache_misses_total");

    for (String id : known) {
      assertThat(harness.get("/event/" + id).statusCode()).isEqualTo(200);
    }

    assertThat(metric("tracker_cache_misses_total")).as("every known program answered from L1")
        .isEqualTo(missesBefore);
    assertThat(metric("tracker_cache_unknown_ids")).isBetween(1.0, (double) UNKNOWN_BOUND);
  }

  @Test
  void missesBeyondTheCap_areAnswered503AtOnce_whileRedisStalls_andKnownProgramsAre200() {
    harness.redisProxy().stall();
    try {
      List<Future<HttpResponse<Buffer>>> stalled = new ArrayList<>();
      for (int i = 0; i < MAX_MISSES; i++) {
        stalled.add(harness.http().get(harness.port(), "localhost", "/event/" + uniqueId("stalled")).send());
      }
      await().atMost(TrackerHarness.PATIENCE).until(() -> metric("tracker_redis_lookups_in_flight") == MAX_MISSES);

      HttpResponse<Buffer> beyond = harness.get("/event/" + uniqueId("beyond"));
      HttpResponse<Buffer> pixel = harness.get("/pixel/" + uniqueId("beyond"));

      assertThat(beyond.statusCode()).isEqualTo(503);
      assertThat(beyond.getHeader("Retry-After")).isEqualTo("1");
      assertThat(beyond.bodyAsJsonObject().getString("error"))
          .isEqualTo("too many program lookups in flight, retry later");
      assertThat(pixel.statusCode()).isEqualTo(503);
      assertThat(pixel.getHeader("Content-Type")).isEqualTo("image/gif");
      assertThat(harness.get("/event/" + known.get(0)).statusCode()).as("L1 still answers").isEqualTo(200);
      assertThat(stalled).as("the stalled lookups are still waiting").noneMatch(Future::isComplete);
      assertThat(harness.metrics())
          .containsPattern("tracker_requests_total\\{outcome=\"lookups_saturated\",route=\"event\"} 1");
    } finally {
      // A cut, not just a restore: the stalled requests were swallowed, so their connections must start afresh.
      harness.redisProxy().cut();
      harness.redisProxy().restore();
    }
    harness.awaitReady();
    await().atMost(TrackerHarness.PATIENCE).until(() -> metric("tracker_redis_lookups_in_flight") == 0);
    assertThat(harness.get("/event/" + uniqueId("after")).statusCode()).isEqualTo(404);
  }

  private static double metric(String name) {
    Matcher value = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? (\\S+)$")
        .matcher(harness.metrics());
    assertThat(value.find()).as(name + " on /metrics").isTrue();
    return Double.parseDouble(value.group(1));
  }
}
