package io.adtrack.tracker.traffic;

import static io.adtrack.tracker.TrackerHarness.asMessage;
import static io.adtrack.tracker.TrackerHarness.program;
import static io.adtrack.tracker.TrackerHarness.uniqueId;
import static io.adtrack.tracker.traffic.InvalidTrafficTest.BROWSER;
import static io.adtrack.tracker.traffic.InvalidTrafficTest.userAgent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.adtrack.conventions.ClickSigning;
import io.adtrack.tracker.TrackerHarness;
import io.adtrack.tracker.program.ProgramParser;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Signed click links against the real tracker: a program with a clickSigningKey redirects only a link signed with
 * it and not yet expired; anything else is 403 with no redirect. The key shows in no answer and no log line.
 */
class SignedClickTest {

  private static final String KEY = "k3y-of-the-advertiser-" + uniqueId("secret");
  private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
  private static final Logger ROOT = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private static Level rootLevel;

  @RegisterExtension
  static final TrackerHarness harness = TrackerHarness.withEnv(Map.of());

  private String id;

  @BeforeAll
  static void captureEveryLogLine() {
    LOGS.start();
    ROOT.addAppender(LOGS);
    rootLevel = ROOT.getLevel();
    ROOT.setLevel(Level.DEBUG);
  }

  @AfterAll
  static void stopCapturing() {
    ROOT.setLevel(rootLevel);
    ROOT.detachAppender(LOGS);
  }

  @BeforeEach
  void storeASigningProgram() {
    id = uniqueId("signed");
    harness.storeProgram(program(id, 1, Map.of("clickSigningKey", KEY)));
  }

  @Test
  void aLinkSignedWithTheProgramsKey_redirects_andItsEventKeepsTheParametersButNotTheSignature() {
    String query = ClickSigning.signedQuery(KEY, id, inAnHour(), Map.of("slot", "top banner", "customerId", "9124"));

    HttpResponse<Buffer> click = click("/click/" + id + "?" + query);
    // The same link as a browser may write it: other order, '+' for a space.
    HttpResponse<Buffer> rewritten = click("/click/" + id + "?sig=" + param(query, "sig") + "&slot=top+banner&exp="
        + param(query, "exp") + "&customerId=9124");

    assertThat(click.statusCode()).isEqualTo(302);
    assertThat(click.getHeader("Location")).isEqualTo("https://advertiser.example/offer/" + id);
    assertThat(rewritten.statusCode()).isEqualTo(302);
    assertThat(harness.awaitEvents(id, 2)).allSatisfy(event -> {
      assertThat(event.getParamsMap()).containsExactly(Map.entry("slot", "top banner"));
      assertThat(event.toString()).doesNotContain(KEY);
    });
  }

  @Test
  void aTamperedParameter_aWrongKey_anExpiredOrAnUnsignedLink_is403_withoutARedirect() {
    long exp = inAnHour();
    String signed = ClickSigning.signedQuery(KEY, id, exp, Map.of("slot", "top"));
    Map<String, String> links = Map.of(
        "tampered parameter", signed.replace("slot=top", "slot=bottom"),
        "added parameter", signed + "&extra=1",
        "other program's link", ClickSigning.signedQuery(KEY, id + "x", exp, Map.of("slot", "top")),
        "wrong key", ClickSigning.signedQuery(KEY.replace('k', 'K'), id, exp, Map.of("slot", "top")),
        "expired", ClickSigning.signedQuery(KEY, id, Instant.now().getEpochSecond() - 60, Map.of("slot", "top")),
        "unsigned", "slot=top",
        "no sig", "slot=top&exp=" + exp,
        "exp not a number", "slot=top&exp=soon&sig=" + param(signed, "sig"));

    links.forEach((what, query) -> {
      HttpResponse<Buffer> click = click("/click/" + id + "?" + query);
      assertThat(click.statusCode()).as(what).isEqualTo(403);
      assertThat(click.getHeader("Location")).as(what).isNull();
      JsonObject error = click.bodyAsJsonObject();
      assertThat(error.getInteger("status")).isEqualTo(403);
      assertThat(error.getString("error")).as(what).containsAnyOf("signature", "expired", "must be signed", "exp");
    });
    assertThat(click("/click/" + id + "?" + links.get("expired")).bodyAsJsonObject().getString("error"))
        .isEqualTo("click link expired");
    assertThat(harness.send(HttpMethod.HEAD, "/click/" + id, userAgent(BROWSER), null).statusCode()).isEqualTo(403);
    assertThat(harness.metrics())
        .containsPattern("tracker_requests_total\\{outcome=\"forbidden\",route=\"click\"} [1-9]");
    assertThat(harness.eventsOnceSettled(id)).as("nothing recorded").isEmpty();
  }

  @Test
  void onlyClicksNeedASignature_andABatchCannotCarryOne() {
    assertThat(harness.get("/event/" + id, userAgent(BROWSER)).statusCode()).isEqualTo(200);
    assertThat(harness.get("/pixel/" + id, userAgent(BROWSER)).statusCode()).isEqualTo(200);

    JsonObject batch = harness.post("/events", "application/json", Buffer.buffer("[{\"programId\":\"" + id
        + "\",\"type\":\"click\"},{\"programId\":\"" + id + "\",\"type\":\"event\"}]")).bodyAsJsonObject();

    assertThat(batch.getJsonArray("results").getJsonObject(0).getInteger("status")).isEqualTo(403);
    assertThat(batch.getJsonArray("results").getJsonObject(1).getInteger("status")).isEqualTo(200);
  }

  @Test
  void theKey_appearsInNoAnswer_andNoLogLine_evenWhenItsProgramComesOverTheChannel() {
    Map<String, String> fields = program(id, 2, Map.of("clickSigningKey", KEY, "programName", "pushed"));
    harness.publish(asMessage(fields));
    harness.publish(asMessage(program(id + "-bad", 1, Map.of("clickSigningKey", KEY, "validFrom", "not a date"))));

    HttpResponse<Buffer> event = harness.get("/event/" + id, userAgent(BROWSER));
    HttpResponse<Buffer> click = click("/click/" + id + "?slot=forged");

    assertThat(event.bodyAsString()).doesNotContain(KEY);
    assertThat(click.bodyAsString()).doesNotContain(KEY);
    assertThat(ProgramParser.fromFields(fields).toString()).doesNotContain(KEY).isEqualTo("Program[" + id + " v2]");
    // The malformed program's WARN (with its exception) is the line most likely to leak the key: wait for it.
    await().atMost(Duration.ofSeconds(10)).until(() -> capturedLogs().stream()
        .anyMatch(line -> line.getFormattedMessage().startsWith("Ignored a malformed message on core-data-updates")));
    assertThat(capturedLogs()).allSatisfy(line -> assertThat(line.getFormattedMessage()
        + (line.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(line.getThrowableProxy())))
        .doesNotContain(KEY));
  }

  /** A copy of the lines captured so far: event loops keep appending (under the appender's lock) meanwhile. */
  private static List<ILoggingEvent> capturedLogs() {
    synchronized (LOGS) {
      return List.copyOf(LOGS.list);
    }
  }

  private static HttpResponse<Buffer> click(String uri) {
    return harness.get(uri, userAgent(BROWSER));
  }

  private static long inAnHour() {
    return Instant.now().getEpochSecond() + 3600;
  }

  private static String param(String query, String name) {
    for (String pair : query.split("&")) {
      if (pair.startsWith(name + "=")) {
        return pair.substring(name.length() + 1);
      }
    }
    throw new AssertionError(name + " not in " + query);
  }
}
