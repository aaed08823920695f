package io.adtrack.tracker.traffic;

import static io.adtrack.tracker.TrackerHarness.program;
import static io.adtrack.tracker.TrackerHarness.uniqueId;
import static io.adtrack.tracker.traffic.InvalidTrafficTest.userAgent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.adtrack.conventions.RedisLayout;
import io.adtrack.proto.InvalidTraffic;
import io.adtrack.proto.TrackingEvent;
import io.adtrack.tracker.TrackerHarness;
import io.adtrack.tracker.TrackerVerticle;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Duplicate clicks across the tracker tasks of a region: two trackers share one Redis, and the same client's second
 * click on a program within CLICK_DEDUP_SECONDS is a duplicate whichever task gets it. Every click still gets its
 * redirect. With Redis unreachable, clicks are recorded as first ones.
 */
class DuplicateClickTest {

  @RegisterExtension
  static final TrackerHarness harness = TrackerHarness.withEnv(Map.of("REDIS_TIMEOUT_MS", "300"));
  private static TrackerVerticle sibling;

  private String id;
  /** A browser of its own per test, so no test's keys meet another's. */
  private String browser;

  @BeforeAll
  static void startASecondTask() {
    sibling = harness.startSibling();
  }

  @BeforeEach
  void storeProgram() {
    id = uniqueId("dedup");
    browser = InvalidTrafficTest.BROWSER + " " + uniqueId("run");
    harness.storeProgram(program(id, 1, Map.of()));
  }

  @Test
  void theSameClientsSecondClick_onEitherTask_isADuplicate_anotherBrowserOrProgramIsNot() {
    String other = uniqueId("dedup-other");
    harness.storeProgram(program(other, 1, Map.of()));

    clickOn(harness.port(), id, userAgent(browser));
    clickOn(sibling.httpPort(), id, userAgent(browser));
    clickOn(sibling.httpPort(), id, userAgent(browser + " (another browser)"));
    clickOn(harness.port(), other, userAgent(browser));

    assertThat(harness.awaitEvents(id, 3)).extracting(TrackingEvent::getUserAgent, TrackingEvent::getInvalidTraffic)
        .containsExactlyInAnyOrder(tuple(browser, InvalidTraffic.INVALID_TRAFFIC_NONE),
            tuple(browser, InvalidTraffic.DUPLICATE_CLICK),
            tuple(browser + " (another browser)", InvalidTraffic.INVALID_TRAFFIC_NONE));
    assertThat(harness.awaitEvents(other, 1)).extracting(TrackingEvent::getInvalidTraffic)
        .containsExactly(InvalidTraffic.INVALID_TRAFFIC_NONE);
    Response ttl = harness.redisDirect().send(Request.cmd(Command.PTTL)
        .arg(RedisLayout.clickDedupKey(id, TrafficSignals.clientKey("127.0.0.0", browser)))).await();
    assertThat(ttl.toLong()).as("the window, CLICK_DEDUP_SECONDS (10 s) from the first click").isBetween(1L, 10_000L);
  }

  @Test
  void aPrefetchOrABotSetsNoWindow_soThePersonsClickAfterItIsNoDuplicate() {
    clickOn(harness.port(), id, userAgent(browser).add("Sec-Purpose", "prefetch"));
    clickOn(sibling.httpPort(), id, userAgent(browser));

    assertThat(harness.awaitEvents(id, 2)).extracting(TrackingEvent::getInvalidTraffic)
        .containsExactlyInAnyOrder(InvalidTraffic.PREFETCH, InvalidTraffic.INVALID_TRAFFIC_NONE);
  }

  @Test
  void anOptOut_isNoWayAroundIt() {
    clickOn(harness.port(), id, userAgent(browser).add("DNT", "1"));
    clickOn(sibling.httpPort(), id, userAgent(browser).add("Sec-GPC", "1"));

    assertThat(harness.awaitEvents(id, 2)).extracting(TrackingEvent::getUserAgent, TrackingEvent::getInvalidTraffic)
        .containsExactlyInAnyOrder(tuple("", InvalidTraffic.INVALID_TRAFFIC_NONE),
            tuple("", InvalidTraffic.DUPLICATE_CLICK));
  }

  @Test
  void withRedisUnreachable_aClickIsRecorded_asAFirstOne() {
    clickOn(harness.port(), id, userAgent(browser)); // L1 now holds the program
    harness.redisProxy().cut();
    try {
      clickOn(harness.port(), id, userAgent(browser));
      clickOn(harness.port(), id, userAgent(browser));
    } finally {
      harness.redisProxy().restore();
    }

    assertThat(harness.awaitEvents(id, 3)).extracting(TrackingEvent::getInvalidTraffic)
        .containsOnly(InvalidTraffic.INVALID_TRAFFIC_NONE);
    assertThat(harness.metrics()).containsPattern("tracker_click_dedup_failures_total [2-9]");
    harness.awaitReady();
  }

  private static void clickOn(int port, String programId, MultiMap headers) {
    assertThat(harness.send(port, HttpMethod.GET, "/click/" + programId, headers, null).statusCode())
        .isEqualTo(302);
  }
}
