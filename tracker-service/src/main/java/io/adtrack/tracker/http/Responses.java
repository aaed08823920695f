package io.adtrack.tracker.http;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.spi.json.JsonCodec;

/** How the tracker answers: JSON bodies with precise statuses, and the pixel GIF. */
final class Responses {

  static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
  static final CharSequence IMAGE_GIF = HttpHeaders.createOptimized("image/gif");
  static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
  static final CharSequence RETRY_AFTER = HttpHeaders.createOptimized("Retry-After");
  /** Seconds a client should wait after a 503; short, since outages we answer 503 for heal on their own. */
  static final CharSequence RETRY_AFTER_SECONDS = HttpHeaders.createOptimized("1");

  /** A 1x1 transparent GIF (43 bytes). */
  private static final byte[] PIXEL = {
      0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, (byte) 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
      (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x21, (byte) 0xF9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2C, 0x00,
      0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B};

  /**
   * Vert.x' jackson-core codec: walks the JsonObject with one streaming generator. {@link JsonObject#toBuffer()}
   * goes through jackson-databind when it is on the classpath (a serializer provider per call: 23% of the tracker's
   * CPU in the benchmark) for the same bytes, since our bodies hold only strings, numbers, booleans, nulls, objects
   * and arrays.
   */
  private static final JsonCodec CODEC = new JacksonCodec();

  private Responses() {
  }

  static void json(HttpServerResponse response, int status, JsonObject body) {
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON).end(encode(body));
  }

  /** The body's compact JSON, byte for byte what {@link JsonObject#toBuffer()} gives. */
  static Buffer encode(JsonObject body) {
    return CODEC.toBuffer(body, false);
  }

  /** An error: {@code {"error":"...","status":N}}. A 503 also says when to retry. */
  static void error(HttpServerResponse response, int status, String message) {
    if (status == 503) {
      response.putHeader(RETRY_AFTER, RETRY_AFTER_SECONDS);
    }
    json(response, status, errorBody(status, message));
  }

  static JsonObject errorBody(int status, String message) {
    return new JsonObject().put("error", message).put("status", status);
  }

  /** The pixel, whatever happened to the call: a page never shows a broken image. */
  static void pixel(HttpServerResponse response, int status) {
    MultiMap headers = response.headers();
    headers.set(HttpHeaders.CONTENT_TYPE, IMAGE_GIF);
    headers.set(HttpHeaders.CACHE_CONTROL, NO_STORE);
    if (status == 503) {
      headers.set(RETRY_AFTER, RETRY_AFTER_SECONDS);
    }
    response.setStatusCode(status).end(Buffer.buffer(PIXEL));
  }
}
