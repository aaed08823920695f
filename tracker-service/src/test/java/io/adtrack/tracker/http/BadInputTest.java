package io.adtrack.tracker.http;

import static io.adtrack.tracker.TrackerHarness.program;
import static io.adtrack.tracker.TrackerHarness.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import io.adtrack.tracker.Compression;
import io.adtrack.tracker.TrackerHarness;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input gets a precise status and a JSON error, nothing reaches the stream, and the server keeps serving
 * (checked after every test).
 */
class BadInputTest {

  private static final int MAX_BODY_BYTES = 4096;
  private static final int MAX_EVENTS = 5;
  @RegisterExtension
  static final TrackerHarness harness = TrackerHarness.withEnv(Map.of(
        "MAX_BODY_BYTES", Integer.toString(MAX_BODY_BYTES),
        "MAX_EVENTS_PER_REQUEST", Integer.toString(MAX_EVENTS)));
  private static String valid;
  private static String expired;
  private static String notYetValid;

  @BeforeAll
  static void storePrograms() {
    valid = uniqueId("valid");
    expired = uniqueId("expired");
    notYetValid = uniqueId("future");
    harness.storeProgram(program(valid, 1, Map.of()));
    harness.storeProgram(program(expired, 1, Map.of("validUntil", "2021-01-01T00:00:00Z")));
    harness.storeProgram(program(notYetValid, 1, Map.of("validFrom", "2099-01-01T00:00:00Z")));
  }

  @AfterEach
  void serverKeepsServing() {
    assertThat(harness.get("/event/" + valid).statusCode()).isEqualTo(200);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "/event/has%20space, 400",
      "/event/semi;colon, 400",
      "/event/dollar$sign, 400",
      "/event/%C3%A9t%C3%A9, 400",
      "/event/%FF%FE, 400",
      "/event/, 404",
      "/event, 404",
      "/event/a%2Fb, 400",
      "/click/bad.dot, 400"})
  void illFormedProgramIds_areRejected(String uri, int status) {
    assertJsonError(harness.get(uri), status);
  }

  @Test
  void anOverlongProgramId_is400_whileSixtyFourCharactersAreFine() {
    assertJsonError(harness.get("/event/" + "a".repeat(65)), 400);
    assertJsonError(harness.get("/event/" + "a".repeat(64)), 404);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"customerId=1", "customerId=abc", "customerId=-9124", "customerId=", "checksum=wrong",
      "checksum=", "customerId=9124&customerId=9124", "a=1&a=2", "customerId=9124&checksum=secret-nope",
      "utm=%FF", "utm=caf%C3", "utm=%C3%28", "utm=%ZZ"})
  void wrongOrMalformedParameters_are400(String query) {
    HttpResponse<Buffer> response = harness.get("/event/" + valid + "?" + query);
    assertJsonError(response, 400);
    assertThat(response.bodyAsString()).doesNotContain("secret-" + valid);
  }

  @Test
  void tooManyOrTooLongExtraParameters_are400() {
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 33; i++) {
      many.append(i == 0 ? "" : "&").append("p").append(i).append("=x");
    }
    assertJsonError(harness.get("/event/" + valid + "?" + many), 400);
    assertJsonError(harness.get("/event/" + valid + "?long=" + "x".repeat(1025)), 400);
    assertJsonError(harness.get("/event/" + valid + "?" + "n".repeat(65) + "=x"), 400);
    assertJsonError(harness.get("/event/" + valid + "?bad=%ZZ"), 400);
  }

  @Test
  void rawNonAsciiBytesInTheQuery_are400_andWellEscapedUtf8ReachesTheEventIntact() throws Exception {
    byte[] rawUtf8 = ("GET /event/" + valid + "?utm=caf\u00e9 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket("localhost", harness.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(rawUtf8);
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 400").contains("\"status\":400", "ASCII");
    }

    String id = uniqueId("utf8");
    harness.storeProgram(program(id, 1, Map.of()));
    assertThat(harness.get("/event/" + id + "?utm=caf%C3%A9%20%F0%9F%98%80").statusCode()).isEqualTo(200);
    assertThat(harness.awaitEvents(id, 1).get(0).getParamsMap()).containsEntry("utm", "caf\u00e9 \ud83d\ude00");
  }

  @Test
  void theRightCustomerIdAndChecksum_areAccepted() {
    assertThat(harness.get("/event/" + valid + "?customerId=9124&checksum=secret-" + valid).statusCode())
        .isEqualTo(200);
  }

  @Test
  void expiredAndNotYetValidPrograms_are410_onEventAndClick_andAGifOnPixel() {
    assertJsonError(harness.get("/event/" + expired), 410);
    assertJsonError(harness.get("/event/" + notYetValid), 410);
    assertJsonError(harness.get("/click/" + expired), 410);
    for (String uri : new String[] {"/pixel/" + notYetValid, "/pixel/a%2Fb", "/pixel/" + valid + "?customerId=1"}) {
      HttpResponse<Buffer> pixel = harness.get(uri);
      assertThat(pixel.statusCode()).as(uri).isEqualTo(200);
      assertThat(pixel.getHeader("Content-Type")).isEqualTo("image/gif");
    }
    assertThat(harness.metrics())
        .containsPattern("tracker_requests_total\\{outcome=\"bad_request\",route=\"pixel\"} [1-9]")
        .containsPattern("tracker_requests_total\\{outcome=\"gone\",route=\"pixel\"} [1-9]");
  }

  @Test
  void unknownPrograms_are404_onEventAndClick() {
    assertJsonError(harness.get("/event/" + uniqueId("nobody")), 404);
    assertJsonError(harness.get("/click/" + uniqueId("nobody")), 404);
  }

  @Test
  void unknownRoutes_are404_andWrongMethods_are405() {
    assertJsonError(harness.get("/nothing/here"), 404);
    assertJsonError(harness.get("/cache/purge"), 404);
    assertJsonError(harness.send(HttpMethod.POST, "/event/" + valid, MultiMap.caseInsensitiveMultiMap(), null), 405);
    assertJsonError(harness.send(HttpMethod.DELETE, "/pixel/" + valid, MultiMap.caseInsensitiveMultiMap(), null),
        405);
    assertJsonError(harness.get("/events"), 405);
    // CORS runs first on the tracking routes; it must not turn a wrong method into anything but a 405.
    MultiMap fromAPage = MultiMap.caseInsensitiveMultiMap().add("Origin", "https://publisher.example");
    assertJsonError(harness.send(HttpMethod.PUT, "/event/" + valid, fromAPage, null), 405);
    assertJsonError(harness.send(HttpMethod.OPTIONS, "/event/" + valid, fromAPage, null), 405);
    assertThat(harness.send(HttpMethod.HEAD, "/events", fromAPage, null).statusCode()).isEqualTo(405);
  }

  @Test
  void overlongUrls_are414_andOversizedHeaders_are431() {
    assertJsonError(harness.get("/event/" + valid + "?x=" + "y".repeat(HttpVerticle.MAX_INITIAL_LINE_LENGTH)), 414);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("X-Big", "z".repeat(HttpVerticle.MAX_HEADER_SIZE));
    assertJsonError(harness.get("/event/" + valid, headers), 431);
  }

  @Test
  void postBodiesThatAreNotAJsonArray_are400() {
    assertJsonError(post("{\"programId\":\"" + valid + "\",\"type\":\"event\"}"), 400);
    assertJsonError(post("[{\"programId\":"), 400);
    assertJsonError(post("not json at all"), 400);
    assertJsonError(post(""), 400);
  }

  @Test
  void postBodiesWithInvalidUtf8_are400() {
    byte[] prefix = ("[{\"programId\":\"" + valid + "\",\"type\":\"event\",\"params\":{\"k\":\"").getBytes();
    Buffer body = Buffer.buffer(prefix).appendBytes(new byte[] {(byte) 0xC3, 0x28}).appendString("\"}}]");
    HttpResponse<Buffer> response = harness.post("/events", "application/json", body);
    assertJsonError(response, 400);
    assertThat(response.bodyAsJsonObject().getString("error")).contains("UTF-8");
  }

  @Test
  void postBodiesOverTheByteOrEventLimit_are413() {
    JsonArray big = new JsonArray().add(new JsonObject().put("programId", valid).put("type", "event")
        .put("params", new JsonObject().put("k", "x".repeat(MAX_BODY_BYTES))));
    assertJsonError(post(big.encode()), 413);
    JsonArray many = new JsonArray();
    for (int i = 0; i <= MAX_EVENTS; i++) {
      many.add(new JsonObject().put("programId", valid).put("type", "event"));
    }
    assertJsonError(post(many.encode()), 413);
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/html", "application/x-www-form-urlencoded", "text/plain; charset=iso-8859-1",
      "application/jsonp"})
  void postWithATypeOtherThanJsonOrPlainTextInUtf8_is415(String contentType) {
    assertJsonError(harness.post("/events", contentType, Buffer.buffer("[]")), 415);
  }

  @Test
  void aDecompressionBomb_is413_andRecordsNothing() {
    String id = uniqueId("bomb");
    harness.storeProgram(program(id, 1, Map.of()));
    // A valid batch padded with 2 MiB of blanks: some 2 KiB gzipped, within the body limit until inflated.
    byte[] json = ("[{\"programId\":\"" + id + "\",\"type\":\"event\"}" + " ".repeat(2 << 20) + "]")
        .getBytes(StandardCharsets.UTF_8);
    byte[] bomb = Compression.gzip(json);
    assertThat(bomb.length).isLessThan(MAX_BODY_BYTES);

    assertJsonError(postEncoded("gzip", bomb), 413);

    assertThat(postEncoded("gzip", Compression.gzip(batchOf(id))).statusCode()).isEqualTo(200);
    assertThat(harness.awaitEvents(id, 1)).hasSize(1);
  }

  @Test
  void brokenCompressedStreams_are400_andOtherCodings415() {
    byte[] gzip = Compression.gzip(batchOf(valid));
    assertJsonError(postEncoded("gzip", Arrays.copyOf(gzip, gzip.length / 2)), 400);
    assertJsonError(postEncoded("gzip", batchOf(valid)), 400);
    assertJsonError(postEncoded("deflate", new byte[] {(byte) 0xFF, (byte) 0xFF, 0x00}), 400);
    assertJsonError(postEncoded("br", batchOf(valid)), 415);
  }

  @Test
  void postEventsWithBadFields_getPerEventErrors() {
    JsonArray events = new JsonArray()
        .add("not an object")
        .add(new JsonObject().put("programId", valid))
        .add(new JsonObject().put("programId", "bad id").put("type", "event"))
        .add(new JsonObject().put("programId", valid).put("type", "event").put("params", new JsonObject().put("n", 1)))
        .add(new JsonObject().put("programId", valid).put("type", "event").put("customerId", "x"));

    HttpResponse<Buffer> response = post(events.encode());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getJsonArray("results").stream()
        .map(r -> ((JsonObject) r).getInteger("status"))).containsExactly(400, 400, 400, 400, 400);
    assertThat(response.bodyAsJsonObject().getInteger("accepted")).isZero();
  }

  private static byte[] batchOf(String id) {
    return ("[{\"programId\":\"" + id + "\",\"type\":\"event\"}]").getBytes(StandardCharsets.UTF_8);
  }

  private static HttpResponse<Buffer> postEncoded(String coding, byte[] body) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json")
        .add("Content-Encoding", coding);
    return harness.send(HttpMethod.POST, "/events", headers, Buffer.buffer(body));
  }

  private static HttpResponse<Buffer> post(String body) {
    return harness.post("/events", "application/json", Buffer.buffer(body));
  }

  private static void assertJsonError(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getInteger("status")).isEqualTo(status);
    assertThat(body.getString("error")).isNotBlank();
  }
}
