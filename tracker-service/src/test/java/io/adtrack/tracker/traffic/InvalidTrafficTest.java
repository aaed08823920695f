package io.adtrack.tracker.traffic;

import static io.adtrack.tracker.TrackerHarness.program;
import static io.adtrack.tracker.TrackerHarness.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import io.adtrack.proto.EventType;
import io.adtrack.proto.InvalidTraffic;
import io.adtrack.proto.TrackingEvent;
import io.adtrack.tracker.TrackerHarness;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bots and prefetches against the real tracker, Redis and kinesalite: a bot gets its GIF, a prefetched click its
 * redirect, as a person would; the event says why no person made it (INVALID_TRAFFIC=flag) or never reaches the
 * stream (drop). The list of bots can be replaced at start.
 */
class InvalidTrafficTest {

  static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
  private static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

  @RegisterExtension
  static final TrackerHarness harness = TrackerHarness.withEnv(Map.of());

  private String id;

  @BeforeEach
  void storeProgram() {
    harness.useSettings(Map.of());
    id = uniqueId("traffic");
    harness.storeProgram(program(id, 1, Map.of()));
  }

  /** The five calls both modes make, and what each must answer whatever the mode. */
  private Answers callAsBotsPrefetchersAndAPerson() {
    HttpResponse<Buffer> pixel = harness.get("/pixel/" + id, userAgent(GOOGLEBOT));
    HttpResponse<Buffer> noUserAgent = harness.get("/event/" + id);
    HttpResponse<Buffer> prefetch = harness.get("/click/" + id, userAgent(BROWSER).add("Sec-Purpose", "prefetch"));
    HttpResponse<Buffer> optedOutBot = harness.get("/event/" + id, userAgent("curl/8.5.0").add("DNT", "1"));
    HttpResponse<Buffer> person = harness.get("/event/" + id, userAgent(BROWSER));

    assertThat(pixel.statusCode()).isEqualTo(200);
    assertThat(pixel.getHeader("Content-Type")).isEqualTo("image/gif");
    assertThat(noUserAgent.statusCode()).isEqualTo(200);
    assertThat(noUserAgent.bodyAsJsonObject().getBoolean("valid")).isTrue();
    assertThat(noUserAgent.bodyAsString()).as("nothing tells a bot it was recognised").doesNotContain("BOT");
    assertThat(prefetch.statusCode()).as("a prefetched click gets its redirect").isEqualTo(302);
    assertThat(prefetch.getHeader("Location")).isEqualTo("https://advertiser.example/offer/" + id);
    assertThat(optedOutBot.statusCode()).isEqualTo(200);
    assertThat(optedOutBot.bodyAsJsonObject().getString("userAgent")).as("the opt-out still applies").isEmpty();
    assertThat(person.statusCode()).isEqualTo(200);
    return new Answers(noUserAgent.bodyAsJsonObject().getString("messageId"),
        optedOutBot.bodyAsJsonObject().getString("messageId"), person.bodyAsJsonObject().getString("messageId"));
  }

  private record Answers(String noUserAgent, String optedOutBot, String person) {
  }

  @Test
  void underFlag_botsAndPrefetchesGetAPersonsAnswers_andTheirEventsCarryTheReason() {
    Answers answers = callAsBotsPrefetchersAndAPerson();

    Map<String, TrackingEvent> byId = harness.awaitEvents(id, 5).stream()
        .collect(Collectors.toMap(TrackingEvent::getMessageId, Function.identity()));
    assertThat(byId.values()).filteredOn(event -> event.getType() == EventType.IMPRESSION).singleElement()
        .satisfies(event -> assertThat(event.getInvalidTraffic()).isEqualTo(InvalidTraffic.BOT));
    assertThat(byId.values()).filteredOn(event -> event.getType() == EventType.CLICK).singleElement()
        .satisfies(event -> assertThat(event.getInvalidTraffic()).isEqualTo(InvalidTraffic.PREFETCH));
    assertThat(byId.get(answers.noUserAgent()).getInvalidTraffic()).isEqualTo(InvalidTraffic.BOT);
    assertThat(byId.get(answers.optedOutBot()).getInvalidTraffic())
        .as("classified by the user agent the event does not keep").isEqualTo(InvalidTraffic.BOT);
    assertThat(byId.get(answers.optedOutBot()).getUserAgent()).isEmpty();
    assertThat(byId.get(answers.person()).getInvalidTraffic()).isEqualTo(InvalidTraffic.INVALID_TRAFFIC_NONE);

    assertThat(harness.metrics())
        .containsPattern("tracker_invalid_traffic_total\\{action=\"flagged\",reason=\"bot\",route=\"pixel\"} [1-9]")
        .containsPattern("tracker_invalid_traffic_total\\{action=\"flagged\",reason=\"bot\",route=\"event\"} [2-9]")
        .containsPattern(
            "tracker_invalid_traffic_total\\{action=\"flagged\",reason=\"prefetch\",route=\"click\"} [1-9]");
  }

  @Test
  void underDrop_theAnswersAreTheSame_butOnlyThePersonsEventReachesTheStream() {
    harness.useSettings(Map.of("INVALID_TRAFFIC", "drop"));

    Answers answers = callAsBotsPrefetchersAndAPerson();

    assertThat(harness.eventsOnceSettled(id)).extracting(TrackingEvent::getMessageId).containsExactly(answers.person());
    assertThat(harness.metrics())
        .containsPattern("tracker_invalid_traffic_total\\{action=\"dropped\",reason=\"bot\",route=\"event\"} 2")
        .containsPattern("tracker_invalid_traffic_total\\{action=\"dropped\",reason=\"prefetch\",route=\"click\"} 1")
        .containsPattern("tracker_invalid_traffic_total\\{action=\"flagged\",reason=\"bot\",route=\"event\"} 0")
        .containsPattern("tracker_requests_total\\{outcome=\"unrecorded\",route=\"pixel\"} 1");
  }

  @Test
  void aBotUserAgentFile_replacesTheShippedList_whenTheTrackerStarts(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bots.txt");
    Files.writeString(file, "# only our own probe\nacme-probe/\n");
    harness.useSettings(Map.of("BOT_UA_FILE", file.toString()));

    harness.get("/event/" + id, userAgent(GOOGLEBOT));
    harness.get("/event/" + id, userAgent("Acme-Probe/2.0"));

    assertThat(harness.awaitEvents(id, 2)).extracting(TrackingEvent::getUserAgent, TrackingEvent::getInvalidTraffic)
        .containsExactlyInAnyOrder(
            Tuple.tuple(GOOGLEBOT, InvalidTraffic.INVALID_TRAFFIC_NONE),
            Tuple.tuple("Acme-Probe/2.0", InvalidTraffic.BOT));
  }

  static MultiMap userAgent(String userAgent) {
    return MultiMap.caseInsensitiveMultiMap().add("User-Agent", userAgent);
  }
}
