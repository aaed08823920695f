package io.adtrack.tracker.fuzz;

import static io.adtrack.tracker.Compression.deflate;
import static io.adtrack.tracker.Compression.gzip;
import static io.adtrack.tracker.TrackerHarness.program;
import static io.adtrack.tracker.TrackerHarness.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.adtrack.tracker.TrackerHarness;
import io.adtrack.tracker.fuzz.RawHttp.Answer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Any POST /events against the real tracker over a real connection: bodies of raw bytes or of JSON built from the
 * fuzzer's input (nested values, huge and odd numbers, any Unicode), sent as JSON or text, plain, gzip or deflate
 * (zlib or raw), or mislabelled. The answer is a precise status (200 with one result per event, 400, 413, 415) and
 * JSON, never a 500, never an error in the tracker's log.
 */
class EventsBodyFuzzTest {

  private static final int MAX_BODY_BYTES = 64 * 1024;
  private static final int MAX_EVENTS = 50;
  @RegisterExtension
  static final TrackerHarness harness = TrackerHarness.withEnv(Map.of(
      "MAX_BODY_BYTES", Integer.toString(MAX_BODY_BYTES),
      "MAX_EVENTS_PER_REQUEST", Integer.toString(MAX_EVENTS)));
  private static final Set<Integer> REQUEST_STATUSES = Set.of(200, 400, 413, 415);
  private static final Set<Integer> EVENT_STATUSES = Set.of(200, 400, 404, 410);
  private static final String[] CONTENT_TYPES = {"application/json", "text/plain", "text/plain;charset=UTF-8",
      "application/json; charset=\"utf-8\"", "application/json;charset=latin1", "application/xml", ""};
  private static final String[] ENCODINGS = {"", "gzip", "deflate", "deflate", "identity", "br", "x-gzip"};
  private static final String[] TYPES = {"event", "impression", "click", "EVENT", "", "pixel"};
  private static String valid;
  private static String expired;

  @BeforeAll
  static void storePrograms() {
    valid = uniqueId("fuzz");
    expired = uniqueId("fuzz-expired");
    harness.storeProgram(program(valid, 1, Map.of()));
    harness.storeProgram(program(expired, 1, Map.of("validUntil", "2021-01-01T00:00:00Z")));
  }

  @FuzzTest(maxExecutions = 10_000)
  @DictionaryEntries({"{", "}", "[", "]", "\"programId\"", "\"type\"", "\"customerId\"", "\"checksum\"",
      "\"params\"", "\"event\"", "1e999", "-0", "9223372036854775808", "null", "true", "\\ud800", "\\u0000"})
  void anyEventsBody_getsAPreciseAnswer(FuzzedDataProvider data) {
    RawHttp.allowLoopbackConnections();
    String contentType = CONTENT_TYPES[data.consumeInt(0, CONTENT_TYPES.length - 1)];
    int encodingChoice = data.consumeInt(0, ENCODINGS.length - 1);
    byte[] json = data.consumeBoolean() ? events(data).getBytes(StandardCharsets.UTF_8) : data.consumeBytes(8192);
    byte[] body = switch (encodingChoice) {
      case 1, 6 -> data.consumeBoolean() ? gzip(json) : json;
      case 2 -> data.consumeBoolean() ? deflate(json, false) : json;
      case 3 -> deflate(json, true);
      default -> json;
    };
    byte[] request = request(contentType, ENCODINGS[encodingChoice], body);

    Answer answer = RawHttp.send(harness.port(), request);

    RawHttp.assertNoErrorLogged(request);
    assertThat(answer.status()).as("the answer to %s", RawHttp.printable(request)).isIn(REQUEST_STATUSES);
    if (answer.status() != 200) {
      RawHttp.assertJsonError(answer);
      return;
    }
    JsonObject results = answer.json();
    JsonArray each = results.getJsonArray("results");
    assertThat(results.getInteger("accepted") + results.getInteger("rejected")).isEqualTo(each.size());
    for (int i = 0; i < each.size(); i++) {
      JsonObject result = each.getJsonObject(i);
      assertThat(result.getInteger("index")).isEqualTo(i);
      assertThat(result.getInteger("status")).isIn(EVENT_STATUSES);
      if (result.getInteger("status") == 200) {
        assertThat(result.getString("messageId")).isNotBlank();
      } else {
        assertThat(result.getString("error")).isNotBlank();
      }
    }
  }

  /** A JSON array of events made of the fuzzer's choices: mostly well-formed, every field possibly odd. */
  private static String events(FuzzedDataProvider data) {
    JsonArray events = new JsonArray();
    int count = data.consumeInt(0, 8);
    for (int i = 0; i < count; i++) {
      JsonObject event = new JsonObject();
      event.put("programId", switch (data.consumeInt(0, 3)) {
        case 0 -> valid;
        case 1 -> expired;
        case 2 -> data.consumeString(80);
        default -> data.consumeInt();
      });
      event.put("type", data.consumeBoolean() ? TYPES[data.consumeInt(0, TYPES.length - 1)] : data.consumeString(10));
      if (data.consumeBoolean()) {
        event.put("customerId", odd(data));
      }
      if (data.consumeBoolean()) {
        event.put("checksum", data.consumeBoolean() ? "secret-" + valid : odd(data));
      }
      if (data.consumeBoolean()) {
        JsonObject params = new JsonObject();
        int n = data.consumeInt(0, 40);
        for (int p = 0; p < n; p++) {
          params.put(data.consumeString(70), data.consumeBoolean() ? data.consumeString(1100) : odd(data));
        }
        event.put("params", data.consumeBoolean() ? params : odd(data));
      }
      events.add(data.consumeInt(0, 9) == 0 ? odd(data) : event);
    }
    String text = events.encode();
    // Sometimes a number no Java type holds, or a cut short document.
    return switch (data.consumeInt(0, 5)) {
      case 0 -> text.replaceFirst("\\d+", "1" + "0".repeat(data.consumeInt(19, 400)));
      case 1 -> text.substring(0, data.consumeInt(0, text.length()));
      default -> text;
    };
  }

  /** A value of any JSON kind: a number of any size, a string, nested arrays and objects, null. */
  private static Object odd(FuzzedDataProvider data) {
    return switch (data.consumeInt(0, 7)) {
      case 0 -> data.consumeLong();
      case 1 -> data.consumeDouble();
      case 2 -> data.consumeString(40);
      case 3 -> null;
      case 4 -> data.consumeBoolean();
      case 5 -> new JsonArray().add(data.consumeString(10)).add(data.consumeInt());
      case 6 -> new JsonObject().put(data.consumeString(10), new JsonObject().put("deeper", data.consumeLong()));
      default -> Long.toString(data.consumeLong());
    };
  }

  private static byte[] request(String contentType, String encoding, byte[] body) {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    StringBuilder head = new StringBuilder("POST /events HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    if (!contentType.isEmpty()) {
      head.append("Content-Type: ").append(contentType).append("\r\n");
    }
    if (!encoding.isEmpty()) {
      head.append("Content-Encoding: ").append(encoding).append("\r\n");
    }
    head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    request.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
    request.writeBytes(body);
    return request.toByteArray();
  }
}
