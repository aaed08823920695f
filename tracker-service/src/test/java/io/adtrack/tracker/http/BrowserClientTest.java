package io.adtrack.tracker.http;

import static io.adtrack.tracker.TrackerHarness.program;
import static io.adtrack.tracker.TrackerHarness.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import io.adtrack.proto.EventType;
import io.adtrack.proto.Privacy;
import io.adtrack.proto.TrackingEvent;
import io.adtrack.testkit.Chromium;
import io.adtrack.testkit.FreePorts;
import io.adtrack.testkit.NodeScript;
import io.adtrack.tracker.TrackerHarness;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real browser as the client. Headless Chromium opens a publisher page served from another origin than the
 * tracker's (a static server of this test): it shows the pixel, reads the JSON of a fetched /event, POSTs a JSON
 * batch (which the browser preflights) and sends a batch with sendBeacon as the visitor leaves. Every one of those
 * events must be on the stream. The same page served from an origin CORS_ALLOWED_ORIGINS does not list is refused
 * by the browser: its fetch and its POST fail in the page, and only its pixel (an image, which needs no CORS) counts.
 */
class BrowserClientTest {

  private static final Logger LOG = LoggerFactory.getLogger(BrowserClientTest.class);
  private static final Path BROWSER_DIR = Path.of("src", "test", "browser");
  private static final String PAGE = "/publisher-page.html";
  private static final Duration BROWSER_PATIENCE = Duration.ofSeconds(120);
  private static final int ALLOWED_PAGE_PORT = FreePorts.next();
  private static final int REFUSED_PAGE_PORT = FreePorts.next();

  @RegisterExtension
  static final TrackerHarness harness = TrackerHarness.withEnv(Map.of(
      "CORS_ALLOWED_ORIGINS", origin(ALLOWED_PAGE_PORT)));

  @TempDir
  static Path profile;
  private static final List<HttpServer> pageServers = new ArrayList<>();

  @BeforeAll
  static void servePublisherPages() throws IOException {
    Buffer page = Buffer.buffer(Files.readAllBytes(BROWSER_DIR.resolve(PAGE.substring(1))));
    for (int port : List.of(ALLOWED_PAGE_PORT, REFUSED_PAGE_PORT)) {
      pageServers.add(harness.vertx().createHttpServer()
          .requestHandler(request -> {
            if (PAGE.equals(request.path())) {
              request.response().putHeader("Content-Type", "text/html; charset=utf-8").end(page);
            } else {
              request.response().setStatusCode(404).end();
            }
          })
          .listen(port)
          .await());
    }
  }

  @AfterAll
  static void stopPublisherPages() {
    pageServers.forEach(server -> server.close().await());
  }

  @Test
  void aPageOfAnAllowedOrigin_getsEveryCallThrough_whileAnotherOriginIsRefusedByTheBrowser() {
    String program = uniqueId("browser");
    String refusedProgram = uniqueId("browser-refused");
    harness.storeProgram(program(program, 1, Map.of()));
    harness.storeProgram(program(refusedProgram, 1, Map.of()));
    Path chromium = Chromium.executable();
    long start = System.nanoTime();

    JsonObject seen;
    try (NodeScript browser = NodeScript.start(BROWSER_DIR.resolve("drive-chromium.cjs"), Map.of(),
        chromium.toString(), profile.toString(), pageUrl(REFUSED_PAGE_PORT, refusedProgram),
        pageUrl(ALLOWED_PAGE_PORT, program))) {
      seen = new JsonObject(browser.readLine(BROWSER_PATIENCE));
      // The browser stays open until the beacons are on the stream: closing it could cut them off.
      assertAllowedPage(seen.getJsonObject("allowed"), program);
    }
    LOG.info("Browser test: Chromium drove both pages and the events reached the stream in {} ms",
        Duration.ofNanos(System.nanoTime() - start).toMillis());

    assertThat(seen.getJsonArray("preflights").getList()).as("preflights Chromium sent")
        .contains(tracker() + "/events");
    assertRefusedPage(seen.getJsonObject("refused"), refusedProgram);
  }

  private static void assertAllowedPage(JsonObject page, String program) {
    assertThat(page.getJsonObject("pixel").getBoolean("loaded")).as("pixel loaded").isTrue();
    assertThat(page.getJsonObject("pixel").getInteger("width")).isEqualTo(1);
    JsonObject event = page.getJsonObject("event");
    assertThat(event.getInteger("status")).as("fetch of /event: %s", event).isEqualTo(200);
    assertThat(event.getJsonObject("body").getString("programId")).isEqualTo(program);
    JsonObject batch = page.getJsonObject("batch");
    assertThat(batch.getInteger("status")).as("JSON batch: %s", batch).isEqualTo(200);
    assertThat(batch.getJsonObject("body").getInteger("accepted")).isEqualTo(2);
    List<String> batchIds = batch.getJsonObject("body").getJsonArray("results").stream()
        .map(result -> ((JsonObject) result).getString("messageId")).toList();

    List<TrackingEvent> events = harness.awaitEvents(program, 6);

    assertThat(events).hasSize(6);
    assertThat(events).filteredOn(e -> "pixel".equals(e.getParamsMap().get("src"))).singleElement()
        .satisfies(e -> assertThat(e.getType()).isEqualTo(EventType.IMPRESSION));
    assertThat(events).filteredOn(e -> "fetch".equals(e.getParamsMap().get("src")))
        .extracting(TrackingEvent::getMessageId)
        .containsExactly(event.getJsonObject("body").getString("messageId"));
    assertThat(events).filteredOn(e -> "batch".equals(e.getParamsMap().get("src")))
        .extracting(TrackingEvent::getMessageId).containsExactlyInAnyOrderElementsOf(batchIds);
    assertThat(events).filteredOn(e -> "beacon".equals(e.getParamsMap().get("src")))
        .extracting(e -> e.getParamsMap().get("seen")).containsExactlyInAnyOrder("article", "footer");
    assertThat(events).allSatisfy(e -> {
      assertThat(e.getUserAgent()).contains("Chrome");
      // Chromium sends only the page's origin to another origin (strict-origin-when-cross-origin).
      assertThat(e.getReferer()).startsWith(origin(ALLOWED_PAGE_PORT));
      // Chromium reaches "localhost" over IPv4 or IPv6: 127.0.0.1 truncated to its /24, or ::1 to its /48.
      assertThat(e.getClientIp()).isIn("127.0.0.0", "::");
      assertThat(e.getPrivacy()).isEqualTo(Privacy.IP_TRUNCATED);
    });
  }

  private static void assertRefusedPage(JsonObject page, String refusedProgram) {
    assertThat(page.getJsonObject("pixel").getBoolean("loaded")).as("an image needs no CORS").isTrue();
    assertThat(page.getJsonObject("event").getString("error")).as("fetch of /event from a refused origin")
        .contains("TypeError");
    assertThat(page.getJsonObject("batch").getString("error")).as("JSON batch from a refused origin")
        .contains("TypeError");
    // Its beacon went out before the allowed page opened, whose beacons are on the stream by now.
    assertThat(harness.eventsOf(refusedProgram)).singleElement()
        .satisfies(e -> assertThat(e.getType()).isEqualTo(EventType.IMPRESSION));
  }

  private static String pageUrl(int port, String program) {
    return origin(port) + PAGE + "?tracker=" + tracker() + "&program=" + program;
  }

  private static String tracker() {
    return "http://localhost:" + harness.port();
  }

  private static String origin(int port) {
    return "http://localhost:" + port;
  }
}
