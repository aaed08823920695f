package io.adtrack.tracker.http;

import static io.adtrack.tracker.TrackerHarness.program;
import static io.adtrack.tracker.TrackerHarness.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import io.adtrack.tracker.TrackerHarness;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CORS with a list of allowed origins (an exact one and a subdomain wildcard): preflights on every tracking route,
 * the allow-origin header on real answers whether the router or the fast path serves them, refusals, and no
 * credentials anywhere. ({@link TrackingApiTest} covers the default, any origin.)
 */
class CorsTest {

  private static final String PUBLISHER = "https://publisher.example";
  private static final String NETWORK_SITE = "https://news.network.example";
  private static final String EVIL = "https://evil.example";

  @RegisterExtension
  static final TrackerHarness harness = TrackerHarness.withEnv(Map.of(
      "CORS_ALLOWED_ORIGINS", PUBLISHER + ", https://*.network.example"));
  private String id;

  @BeforeEach
  void storeProgram() {
    id = uniqueId("cors");
    harness.storeProgram(program(id, 1, Map.of()));
  }

  @ParameterizedTest(name = "OPTIONS {0}")
  @ValueSource(strings = {"/event/", "/pixel/", "/click/", "/events"})
  void aPreflight_onEveryTrackingRoute_is204_withMethodsHeadersAndMaxAge(String route) {
    HttpResponse<Buffer> preflight = preflight(route.endsWith("/") ? route + id : route, NETWORK_SITE);

    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.getHeader("Access-Control-Allow-Origin")).isEqualTo(NETWORK_SITE);
    assertThat(preflight.getHeader("Access-Control-Allow-Methods")).isEqualTo("GET,HEAD,POST");
    assertThat(preflight.getHeader("Access-Control-Allow-Headers")).isEqualTo("Content-Type,Content-Encoding");
    assertThat(preflight.getHeader("Access-Control-Max-Age")).isEqualTo("7200");
    assertThat(preflight.getHeader("Access-Control-Allow-Credentials")).isNull();
    assertThat(preflight.body()).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {EVIL, "https://network.example", "http://publisher.example", "https://publisher.example:8443",
      "null"})
  void aPreflightFromAnotherOrigin_is403_withoutAllowOrigin(String origin) {
    HttpResponse<Buffer> preflight = preflight("/events", origin);

    assertThat(preflight.statusCode()).isEqualTo(403);
    assertThat(preflight.getHeader("Access-Control-Allow-Origin")).isNull();
  }

  @Test
  void realAnswers_carryTheAllowOrigin_fromTheRouterAndTheFastPathAlike() {
    String origin = "https://" + id + ".network.example";
    for (int call = 0; call < 4; call++) {
      HttpResponse<Buffer> event = harness.get("/event/" + id, origin(origin));
      assertThat(event.statusCode()).isEqualTo(200);
      assertCorsAnswer(event, origin);
      HttpResponse<Buffer> pixel = harness.get("/pixel/" + id, origin(origin));
      assertCorsAnswer(pixel, origin);
      HttpResponse<Buffer> click = harness.get("/click/" + id, origin(origin));
      assertThat(click.statusCode()).isEqualTo(302);
      assertCorsAnswer(click, origin);
    }
    HttpResponse<Buffer> unknown = harness.get("/event/nope-" + id, origin(PUBLISHER));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertCorsAnswer(unknown, PUBLISHER);

    assertThat(harness.awaitEvents(id, 12)).hasSize(12);
  }

  @Test
  void aBatch_carriesTheAllowOrigin() {
    MultiMap headers = origin(PUBLISHER).add("Content-Type", "application/json");
    Buffer body = new JsonArray().add(new JsonObject().put("programId", id).put("type", "event")).toBuffer();

    HttpResponse<Buffer> batch = harness.send(HttpMethod.POST, "/events", headers, body);

    assertThat(batch.statusCode()).isEqualTo(200);
    assertCorsAnswer(batch, PUBLISHER);
    assertThat(harness.awaitEvents(id, 1)).hasSize(1);
  }

  @Test
  void aCallFromAnotherOrigin_is403Json_andRecordsNothing_whileAPixelWithoutOriginCounts() {
    for (int call = 0; call < 3; call++) {
      HttpResponse<Buffer> event = harness.get("/event/" + id + "?call=" + call, origin(EVIL));
      assertThat(event.statusCode()).isEqualTo(403);
      assertThat(event.getHeader("Access-Control-Allow-Origin")).isNull();
      assertThat(event.bodyAsJsonObject().getString("error")).contains(EVIL);
    }
    HttpResponse<Buffer> beacon = harness.send(HttpMethod.POST, "/events", origin(EVIL).add("Content-Type",
        "text/plain;charset=UTF-8"), Buffer.buffer("[{\"programId\":\"" + id + "\",\"type\":\"event\"}]"));
    assertThat(beacon.statusCode()).isEqualTo(403);

    // An <img> sends no Origin: pixels count from any page.
    assertThat(harness.get("/pixel/" + id).statusCode()).isEqualTo(200);
    assertThat(harness.awaitEvents(id, 1)).singleElement()
        .satisfies(event -> assertThat(event.getParamsMap()).isEmpty());
  }

  @Test
  void withSeveralOrigins_answersWithoutOriginVaryOnIt_soCachesKeepThemApart() {
    for (int call = 0; call < 3; call++) {
      HttpResponse<Buffer> pixel = harness.get("/pixel/" + id);
      assertThat(pixel.getHeader("Access-Control-Allow-Origin")).isNull();
      assertThat(pixel.getHeader("Vary")).isEqualToIgnoringCase("Origin");
    }
  }

  private static void assertCorsAnswer(HttpResponse<Buffer> response, String origin) {
    assertThat(response.getHeader("Access-Control-Allow-Origin")).isEqualTo(origin);
    assertThat(response.getHeader("Access-Control-Expose-Headers")).isEqualTo("Retry-After");
    assertThat(response.getHeader("Vary")).isEqualToIgnoringCase("Origin");
    assertThat(response.getHeader("Access-Control-Allow-Credentials")).isNull();
    assertThat(response.headers().getAll("Access-Control-Allow-Origin")).hasSize(1);
  }

  private static HttpResponse<Buffer> preflight(String path, String origin) {
    return harness.send(HttpMethod.OPTIONS, path, origin(origin)
        .add("Access-Control-Request-Method", "POST")
        .add("Access-Control-Request-Headers", "content-type"), null);
  }

  private static MultiMap origin(String origin) {
    return MultiMap.caseInsensitiveMultiMap().add("Origin", origin);
  }
}
