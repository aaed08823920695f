package io.adtrack.tracker.fuzz;

import static io.adtrack.tracker.TrackerHarness.program;
import static io.adtrack.tracker.TrackerHarness.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.adtrack.tracker.TrackerHarness;
import io.adtrack.tracker.fuzz.RawHttp.Answer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Any request line (method, path, query: raw bytes, a CR or LF excepted since they end the line) against the real
 * tracker over a real connection: a precise answer (an accepted call, a redirect, a 4xx with a JSON error), never a
 * 500, never a dropped connection, never an error in the tracker's log.
 */
class RequestLineFuzzTest {

  @RegisterExtension
  static final TrackerHarness harness = TrackerHarness.withEnv(Map.of());
  private static final Set<Integer> PRECISE = Set.of(200, 204, 302, 400, 403, 404, 405, 410, 413, 414, 415, 431);
  private static final String[] METHODS = {"GET", "GET", "GET", "HEAD", "POST", "OPTIONS", "PUT", "DELETE"};
  private static final String[] PATHS = {"/event/", "/pixel/", "/click/", "/events", "/health/ready", "/metrics",
      "/", ""};
  private static String valid;
  private static String expired;
  private static String noLanding;

  @BeforeAll
  static void storePrograms() {
    valid = uniqueId("fuzz");
    expired = uniqueId("fuzz-expired");
    noLanding = uniqueId("fuzz-nolanding");
    harness.storeProgram(program(valid, 1, Map.of()));
    harness.storeProgram(program(expired, 1, Map.of("validUntil", "2021-01-01T00:00:00Z")));
    harness.storeProgram(program(noLanding, 1, Map.of("landingUrl", "")));
  }

  @FuzzTest(maxExecutions = 10_000)
  @DictionaryEntries({"customerId=", "checksum=", "9124", "secret-", "&", "=", "%", "%C3%A9", "%FF", "%2F", "?", "/",
      "..", ";", "#", "+", " HTTP/1.0", "\u0000"})
  void anyRequestLine_getsAPreciseAnswer(FuzzedDataProvider data) {
    RawHttp.allowLoopbackConnections();
    String method = data.consumeBoolean() ? METHODS[data.consumeInt(0, METHODS.length - 1)]
        : data.consumeAsciiString(8);
    String path = PATHS[data.consumeInt(0, PATHS.length - 1)];
    String program = switch (data.consumeInt(0, 3)) {
      case 0 -> valid;
      case 1 -> expired;
      case 2 -> noLanding;
      default -> "";
    };
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    byte[] start = (method + " " + path + program).getBytes(StandardCharsets.ISO_8859_1);
    for (byte[] part : new byte[][] {start, data.consumeRemainingAsBytes()}) {
      for (byte b : part) {
        if (b != '\r' && b != '\n') {
          request.write(b);
        }
      }
    }
    request.writeBytes(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    byte[] bytes = request.toByteArray();

    Answer answer = RawHttp.send(harness.port(), bytes);

    RawHttp.assertNoErrorLogged(bytes);
    assertThat(answer.status()).as("the answer to %s", RawHttp.printable(bytes)).isIn(PRECISE);
    if (answer.status() >= 400 && answer.body().length > 0 && !"HEAD".equals(method)) {
      RawHttp.assertJsonError(answer);
    }
  }
}
