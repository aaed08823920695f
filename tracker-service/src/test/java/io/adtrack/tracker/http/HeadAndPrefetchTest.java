package io.adtrack.tracker.http;

import static io.adtrack.tracker.TrackerHarness.program;
import static io.adtrack.tracker.TrackerHarness.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.adtrack.proto.EventType;
import io.adtrack.proto.InvalidTraffic;
import io.adtrack.proto.TrackingEvent;
import io.adtrack.tracker.TrackerHarness;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Link checkers and uptime probes must not create impressions or clicks: HEAD is answered as GET would be, with
 * nothing recorded. A prefetch is answered as GET would be too, and recorded as what it is: an event classified
 * {@code PREFETCH} (InvalidTrafficTest has the other reasons and INVALID_TRAFFIC=drop). Checked by counting the
 * stream before and after.
 */
class HeadAndPrefetchTest {

  @RegisterExtension
  static final TrackerHarness harness = TrackerHarness.withEnv(Map.of());
  private String id;
  private String expired;

  @BeforeEach
  void storePrograms() {
    id = uniqueId("head");
    expired = uniqueId("head-expired");
    harness.storeProgram(program(id, 1, Map.of()));
    harness.storeProgram(program(expired, 1, Map.of("validUntil", "2021-01-01T00:00:00Z")));
  }

  @ParameterizedTest(name = "HEAD {0}")
  @CsvSource({"/event/{id}, 200, 3", "/pixel/{id}, 200, 3", "/click/{id}, 302, 3", "/event/{expired}, 410, 0",
      "/pixel/{expired}, 200, 0", "/click/{expired}, 410, 0", "/event/nope-{id}, 404, 0", "/click/bad.id, 400, 0",
      "/event/{id}?customerId=1, 400, 0"})
  void head_answersTheStatusAndHeadersOfGet_withoutABody_andRecordsNothing(String uri, int status,
      int recordedByTheGets) {
    String target = uri.replace("{id}", id).replace("{expired}", expired);
    int recordsBefore = harness.events().size();

    // Twice: the first call of a new origin goes through the router, the second takes the fast path.
    for (String origin : new String[] {null, "https://" + id + ".example", "https://" + id + ".example"}) {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      if (origin != null) {
        headers.add("Origin", origin);
      }
      HttpResponse<Buffer> head = harness.send(HttpMethod.HEAD, target, headers, null);
      HttpResponse<Buffer> get = harness.send(HttpMethod.GET, target, headers, null);

      assertThat(head.statusCode()).isEqualTo(status).isEqualTo(get.statusCode());
      assertThat(headersOf(head)).isEqualTo(headersOf(get));
      assertThat(head.body()).isNull();
    }

    assertRecordedOnly(recordsBefore, recordedByTheGets);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({"Sec-Purpose, prefetch", "Sec-Purpose, prefetch;prerender", "Purpose, prefetch"})
  void aPrefetchedClick_getsItsRedirect_andIsRecordedAsAPrefetch(String header, String value) {
    int recordsBefore = harness.events().size();

    HttpResponse<Buffer> prefetch = harness.get("/click/" + id, browser().add(header, value));

    assertThat(prefetch.statusCode()).isEqualTo(302);
    assertThat(prefetch.getHeader("Location")).isEqualTo("https://advertiser.example/offer/" + id);
    assertThat(prefetch.getHeader("Cache-Control")).isEqualTo("no-store");
    assertThat(harness.awaitEvents(id, 1)).singleElement().satisfies(event -> {
      assertThat(event.getType()).isEqualTo(EventType.CLICK);
      assertThat(event.getInvalidTraffic()).isEqualTo(InvalidTraffic.PREFETCH);
    });
    assertRecordedOnly(recordsBefore, 1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/click/nope-", "/click/expired-"})
  void aPrefetchOfAClickThatWouldFail_getsTheSameErrorAsTheClick(String prefix) {
    String target = prefix.equals("/click/expired-") ? "/click/" + expired : prefix + id;
    MultiMap prefetch = browser().add("Sec-Purpose", "prefetch");

    assertThat(harness.get(target, prefetch).statusCode()).isEqualTo(harness.get(target).statusCode())
        .isIn(404, 410);
  }

  @Test
  void aPrefetchOfTheEventOrPixel_isAnsweredAsUsual_andRecordedAsAPrefetch() {
    MultiMap prefetch = browser().add("Sec-Purpose", "prefetch");

    assertThat(harness.get("/pixel/" + id, prefetch).statusCode()).isEqualTo(200);
    assertThat(harness.get("/event/" + id, prefetch).statusCode()).isEqualTo(200);

    assertThat(harness.awaitEvents(id, 2)).extracting(TrackingEvent::getType, TrackingEvent::getInvalidTraffic)
        .containsExactlyInAnyOrder(tuple(EventType.IMPRESSION, InvalidTraffic.PREFETCH),
            tuple(EventType.EVENT, InvalidTraffic.PREFETCH));
  }

  @Test
  void unrecordedCalls_areCountedAsSuch() {
    harness.send(HttpMethod.HEAD, "/pixel/" + id, MultiMap.caseInsensitiveMultiMap(), null);

    assertThat(harness.metrics())
        .containsPattern("tracker_requests_total\\{outcome=\"unrecorded\",route=\"pixel\"} [1-9]");
  }

  /**
   * After the calls under test, one GET: once its event is on the stream, anything the calls before it put into the
   * buffer would be there too. The stream must then hold exactly {@code expected} more records than before.
   */
  private void assertRecordedOnly(int recordsBefore, int expected) {
    String marker = uniqueId("marker");
    harness.storeProgram(program(marker, 1, Map.of()));
    assertThat(harness.get("/event/" + marker).statusCode()).isEqualTo(200);
    harness.awaitEvents(marker, 1);
    assertThat(harness.events()).hasSize(recordsBefore + expected + 1);
    assertThat(harness.eventsOf(id)).hasSize(expected);
  }

  private static MultiMap browser() {
    return MultiMap.caseInsensitiveMultiMap()
        .add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0");
  }

  /** The headers a client would compare; Vert.x sends the same names in the same case for both. */
  private static Map<String, String> headersOf(HttpResponse<Buffer> response) {
    Map<String, String> headers = new TreeMap<>();
    response.headers().forEach(header -> headers.put(header.getKey().toLowerCase(), header.getValue()));
    return headers;
  }
}
