package io.adtrack.tracker.client;

import static io.adtrack.tracker.TrackerHarness.program;
import static io.adtrack.tracker.TrackerHarness.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import io.adtrack.proto.Privacy;
import io.adtrack.proto.TrackingEvent;
import io.adtrack.tracker.TrackerHarness;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the event on the stream keeps of the caller, through the real HTTP path: the client IP behind 0, 1 and 2
 * trusted proxies (spoofed and multi-hop X-Forwarded-For), IP_ANONYMIZATION, the referer, and opt-outs (DNT, GPC).
 * Each test names the settings it needs and the tracker restarts only when they change, so the tests run in any
 * order; the order below only spares restarts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClientPrivacyTest {

  private static final String REFERER = "https://publisher.example/article/42?reader=alice%40mail.example#comments";

  @RegisterExtension
  static final TrackerHarness harness = TrackerHarness.withEnv(Map.of());
  private String id;

  @BeforeEach
  void storeProgram() {
    id = uniqueId("privacy");
    harness.storeProgram(program(id, 1, Map.of()));
  }

  @Test
  @Order(1)
  void byDefault_theAddressIsThePeersTruncated_theRefererLosesItsQuery_andForwardedForIsIgnored() {
    harness.useSettings(Map.of());

    TrackingEvent event = track(headers().add("X-Forwarded-For", "6.6.6.6"));

    assertThat(event.getClientIp()).isEqualTo("127.0.0.0");
    assertThat(event.getReferer()).isEqualTo("https://publisher.example/article/42");
    assertThat(event.getUserAgent()).isEqualTo("test-agent/2.0");
    assertThat(event.getPrivacy()).isEqualTo(Privacy.IP_TRUNCATED);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({"DNT, 1", "Sec-GPC, 1"})
  @Order(2)
  void anOptOut_isCounted_withoutPersonalData(String header, String value) {
    harness.useSettings(Map.of());

    HttpResponse<Buffer> answer = harness.get("/event/" + id, headers().add(header, value));

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.bodyAsJsonObject().getString("userAgent")).isEmpty();
    assertThat(answer.bodyAsJsonObject().getString("privacy")).isEqualTo("LIMITED");
    TrackingEvent event = harness.awaitEvents(id, 1).get(0);
    assertThat(event.getClientIp()).isEmpty();
    assertThat(event.getUserAgent()).isEmpty();
    assertThat(event.getReferer()).isEqualTo("https://publisher.example");
    assertThat(event.getPrivacy()).isEqualTo(Privacy.LIMITED);
  }

  @Test
  @Order(3)
  void anOptOut_coversEveryEventOfABatch() {
    harness.useSettings(Map.of());
    JsonArray batch = new JsonArray().add(new JsonObject().put("programId", id).put("type", "impression"))
        .add(new JsonObject().put("programId", id).put("type", "click"));
    MultiMap headers = headers().add("Sec-GPC", "1").add("Content-Type", "application/json");

    HttpResponse<Buffer> answer = harness.send(HttpMethod.POST, "/events", headers, batch.toBuffer());

    assertThat(answer.bodyAsJsonObject().getInteger("accepted")).isEqualTo(2);
    assertThat(harness.awaitEvents(id, 2)).allSatisfy(event -> {
      assertThat(event.getPrivacy()).isEqualTo(Privacy.LIMITED);
      assertThat(event.getClientIp()).isEmpty();
      assertThat(event.getUserAgent()).isEmpty();
    });
  }

  /** With IP_ANONYMIZATION=off, so the address resolved shows whole. */
  @ParameterizedTest(name = "TRUSTED_PROXIES={0}, X-Forwarded-For: {1}")
  @CsvSource(delimiter = '|', value = {
      // Behind the ALB alone: the ALB's entry (last) is the client, whatever the client put before it.
      "1 | 198.51.100.23                       | 198.51.100.23",
      "1 | 6.6.6.6, 198.51.100.23              | 198.51.100.23",
      "1 | 6.6.6.6, 7.7.7.7, 198.51.100.23     | 198.51.100.23",
      "1 | 6.6.6.6, 2001:db8:1:2::7            | 2001:db8:1:2::7",
      // Behind a CDN and the ALB: the CDN's entry is the client, the ALB's names the CDN.
      "2 | 6.6.6.6, 198.51.100.23, 10.0.4.4    | 198.51.100.23",
      "2 | 198.51.100.23, 10.0.4.4             | 198.51.100.23"})
  @Order(4)
  void behindTrustedProxies_theClientIsReadFromTheRight(int trustedProxies, String forwardedFor, String expected) {
    harness.useSettings(Map.of("TRUSTED_PROXIES", Integer.toString(trustedProxies), "IP_ANONYMIZATION", "off",
        "REFERER_DETAIL", "full"));

    assertThat(track(headers().add("X-Forwarded-For", forwardedFor)).getClientIp()).isEqualTo(expected);
  }

  @Test
  @Order(5)
  void ipAnonymizationOff_keepsTheAddress_andTheRefererDetailIsConfigurable() {
    harness.useSettings(Map.of("TRUSTED_PROXIES", "2", "IP_ANONYMIZATION", "off", "REFERER_DETAIL", "full"));

    TrackingEvent event = track(headers().add("X-Forwarded-For", "6.6.6.6, 2001:db8:1:2::7, 10.0.4.4"));

    assertThat(event.getClientIp()).isEqualTo("2001:db8:1:2::7");
    assertThat(event.getReferer()).isEqualTo(REFERER);
    assertThat(event.getPrivacy()).isEqualTo(Privacy.IP_FULL);
  }

  @Test
  @Order(6)
  void ipAnonymizationDrop_keepsNoAddress() {
    harness.useSettings(Map.of("IP_ANONYMIZATION", "drop", "REFERER_DETAIL", "origin"));

    TrackingEvent event = track(headers());

    assertThat(event.getClientIp()).isEmpty();
    assertThat(event.getUserAgent()).isEqualTo("test-agent/2.0");
    assertThat(event.getReferer()).isEqualTo("https://publisher.example");
    assertThat(event.getPrivacy()).isEqualTo(Privacy.IP_DROPPED);
  }

  private TrackingEvent track(MultiMap headers) {
    assertThat(harness.get("/pixel/" + id, headers).statusCode()).isEqualTo(200);
    return harness.awaitEvents(id, 1).get(0);
  }

  private static MultiMap headers() {
    return MultiMap.caseInsensitiveMultiMap().add("User-Agent", "test-agent/2.0").add("Referer", REFERER);
  }
}
