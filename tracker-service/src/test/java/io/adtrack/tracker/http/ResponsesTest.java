package io.adtrack.tracker.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.adtrack.proto.EventType;
import io.adtrack.proto.Privacy;
import io.adtrack.proto.TrackingEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponsesTest {

  private static final Map<String, String> TRICKY_PARAMS = new LinkedHashMap<>();

  static {
    TRICKY_PARAMS.put("utm_source", "news\"letter\\ / \u00e9\u20ac\ud83d\ude00");
    TRICKY_PARAMS.put("ctl", "tab\tnl\ncr\r\u0001\u007f</script>");
    TRICKY_PARAMS.put("", "");
  }

  @Test
  void theCodec_writesTheSameBytesAsJsonObjectToBuffer() {
    JsonObject body = new JsonObject()
        .put("messageId", "0191e0a4-7c55-7000-8000-000000000001")
        .put("customerId", null)
        .put("params", new JsonObject(new LinkedHashMap<>(TRICKY_PARAMS)))
        .put("valid", true)
        .put("status", 503)
        .put("results", new JsonArray().add(new JsonObject().put("index", 0).put("customerId", Long.MAX_VALUE))
            .add(new JsonObject()).add(new JsonArray()).add(false).add(-1.5));

    assertThat(Responses.encode(body).getBytes()).isEqualTo(body.toBuffer().getBytes());
  }

  @Test
  void theEventAnswer_isTheEnrichedEventAsJsonObjectWouldWriteIt() {
    TrackingEvent event = event().setCustomerId(Long.MAX_VALUE).putAllParams(TRICKY_PARAMS)
        .setPrivacy(Privacy.LIMITED).build();

    JsonObject expected = new JsonObject()
        .put("messageId", event.getMessageId())
        .put("type", "CLICK")
        .put("programId", "p-1")
        .put("programName", "Sp\u00e4tkauf <Test> & 'quotes' \"\\")
        .put("customerId", Long.MAX_VALUE)
        .put("customerName", "")
        .put("userAgent", "Mozilla/5.0 (X11; Linux x86_64)\u0000")
        .put("receivedAt", 1_795_000_000_123L)
        .put("params", new JsonObject(new LinkedHashMap<>(TRICKY_PARAMS)))
        .put("privacy", "LIMITED")
        .put("valid", true);
    assertThat(Responses.encodeEvent(event).getBytes()).isEqualTo(expected.toBuffer().getBytes());
  }

  @Test
  void theEventAnswer_saysNullForAProgramWithoutCustomer_andNeverCarriesTheReferrerOrIp() {
    TrackingEvent event = event().setReferer("https://secret.example/").setClientIp("10.1.2.3").build();

    JsonObject answer = new JsonObject(Responses.encodeEvent(event));

    assertThat(answer.containsKey("customerId")).isTrue();
    assertThat(answer.getValue("customerId")).isNull();
    assertThat(answer.getJsonObject("params").isEmpty()).isTrue();
    assertThat(answer.fieldNames()).containsExactly("messageId", "type", "programId", "programName", "customerId",
        "customerName", "userAgent", "receivedAt", "params", "privacy", "valid");
  }

  @Test
  void anError_isMessageAndStatus_escaped() {
    assertThat(Responses.encodeError(404, "unknown program \"a\\b\"\n\ud83d\ude00").getBytes()).isEqualTo(
        new JsonObject().put("error", "unknown program \"a\\b\"\n\ud83d\ude00").put("status", 404).toBuffer().getBytes());
  }

  private static TrackingEvent.Builder event() {
    return TrackingEvent.newBuilder()
        .setMessageId("0191e0a4-7c55-7000-8000-000000000001")
        .setType(EventType.CLICK)
        .setProgramId("p-1")
        .setProgramName("Sp\u00e4tkauf <Test> & 'quotes' \"\\")
        .setCustomerName("")
        .setUserAgent("Mozilla/5.0 (X11; Linux x86_64)\u0000")
        .setReceivedAt(1_795_000_000_123L);
  }
}
