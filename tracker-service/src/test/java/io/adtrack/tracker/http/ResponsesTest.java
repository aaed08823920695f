package io.adtrack.tracker.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponsesTest {

  @Test
  void theStreamingEncoder_writesTheSameBytesAsJsonObjectToBuffer() {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("utm_source", "news\"letter\\ / \u00e9\u20ac\ud83d\ude00");
    params.put("ctl", "tab\tnl\ncr\r\u0001\u007f</script>");
    JsonObject body = new JsonObject()
        .put("messageId", "0191e0a4-7c55-7000-8000-000000000001")
        .put("type", "EVENT")
        .put("programId", "p-1")
        .put("programName", "Sp\u00e4tkauf <Test> & 'quotes'")
        .put("customerId", null)
        .put("customerName", "")
        .put("userAgent", "Mozilla/5.0 (X11; Linux x86_64)")
        .put("receivedAt", 1_795_000_000_123L)
        .put("params", new JsonObject(new LinkedHashMap<>(params)))
        .put("valid", true)
        .put("status", 503)
        .put("results", new JsonArray().add(new JsonObject().put("index", 0).put("customerId", Long.MAX_VALUE))
            .add(new JsonObject()).add(new JsonArray()).add(false).add(-1.5));

    assertThat(Responses.encode(body).getBytes()).isEqualTo(body.toBuffer().getBytes());
    assertThat(Responses.encode(body).toString()).startsWith("{\"messageId\":").contains("\"customerId\":null");
  }
}
