package io.adtrack.tracker.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.adtrack.proto.TrackingEvent;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.spi.json.JsonCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * How the tracker answers: JSON bodies with precise statuses, the pixel GIF and the click's redirect. Every answer
 * names its Content-Length itself: Vert.x leaves it out of the answer to a HEAD, which must carry the headers a GET
 * would get.
 *
 * <p>The answers of the tracking routes (the enriched event, errors) are written field by field with one jackson-core
 * generator straight into the response buffer: building a {@link JsonObject} first cost a map, its entries and a
 * copy per call, a third of the tracker's allocation in the benchmark. Rarer answers (health, batches) are
 * JsonObjects encoded by Vert.x' jackson-core codec. Both give the bytes {@link JsonObject#toBuffer()} would.
 */
final class Responses {

  static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
  static final CharSequence IMAGE_GIF = HttpHeaders.createOptimized("image/gif");
  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
  static final CharSequence RETRY_AFTER = HttpHeaders.createOptimized("Retry-After");
  /** Seconds a client should wait after a 503; short, since outages we answer 503 for heal on their own. */
  static final CharSequence RETRY_AFTER_SECONDS = HttpHeaders.createOptimized("1");

  /** A 1x1 transparent GIF (43 bytes). */
  private static final byte[] PIXEL = {
      0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, (byte) 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
      (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x21, (byte) 0xF9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2C, 0x00,
      0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B};
  private static final CharSequence PIXEL_LENGTH = HttpHeaders.createOptimized(Integer.toString(PIXEL.length));
  private static final CharSequence NO_BODY = HttpHeaders.createOptimized("0");

  /**
   * Vert.x' jackson-core codec: walks a JsonObject with one streaming generator. {@link JsonObject#toBuffer()} goes
   * through jackson-databind when it is on the classpath (a serializer provider per call) for the same bytes.
   */
  private static final JsonCodec CODEC = new JacksonCodec();
  private static final JsonFactory JSON = new JsonFactory();
  /** Room for a typical /event answer (~270 bytes) without growing the buffer. */
  private static final int INITIAL_BODY_BYTES = 384;

  private Responses() {
  }

  static void json(HttpServerResponse response, int status, JsonObject body) {
    send(response, status, encode(body));
  }

  /** The body's compact JSON, byte for byte what {@link JsonObject#toBuffer()} gives. */
  static Buffer encode(JsonObject body) {
    return CODEC.toBuffer(body, false);
  }

  /** 200 with the enriched event: what {@code GET /event} answers. */
  static void event(HttpServerResponse response, TrackingEvent event) {
    send(response, 200, encodeEvent(event));
  }

  /**
   * The enriched event as JSON: messageId, type, programId, programName, customerId (null when the program has
   * none), customerName, userAgent (as stored: "" after an opt-out), receivedAt, params, privacy (the treatment the
   * event got), valid. Never the checksum (the event does not carry it), nor the stored referer and client IP.
   */
  static Buffer encodeEvent(TrackingEvent event) {
    return write(json -> {
      json.writeStartObject();
      json.writeStringField("messageId", event.getMessageId());
      json.writeStringField("type", event.getType().name());
      json.writeStringField("programId", event.getProgramId());
      json.writeStringField("programName", event.getProgramName());
      json.writeFieldName("customerId");
      if (event.hasCustomerId()) {
        json.writeNumber(event.getCustomerId());
      } else {
        json.writeNull();
      }
      json.writeStringField("customerName", event.getCustomerName());
      json.writeStringField("userAgent", event.getUserAgent());
      json.writeNumberField("receivedAt", event.getReceivedAt());
      json.writeObjectFieldStart("params");
      for (Map.Entry<String, String> param : event.getParamsMap().entrySet()) {
        json.writeStringField(param.getKey(), param.getValue());
      }
      json.writeEndObject();
      json.writeStringField("privacy", event.getPrivacy().name());
      json.writeBooleanField("valid", true);
      json.writeEndObject();
    });
  }

  /** An error: {@code {"error":"...","status":N}}. A 503 also says when to retry. */
  static void error(HttpServerResponse response, int status, String message) {
    if (status == 503) {
      response.putHeader(RETRY_AFTER, RETRY_AFTER_SECONDS);
    }
    send(response, status, encodeError(status, message));
  }

  static Buffer encodeError(int status, String message) {
    return write(json -> {
      json.writeStartObject();
      json.writeStringField("error", message);
      json.writeNumberField("status", status);
      json.writeEndObject();
    });
  }

  /** The pixel, whatever happened to the call: a page never shows a broken image. */
  static void pixel(HttpServerResponse response, int status) {
    MultiMap headers = response.headers();
    headers.set(HttpHeaders.CONTENT_TYPE, IMAGE_GIF);
    headers.set(HttpHeaders.CACHE_CONTROL, NO_STORE);
    headers.set(HttpHeaders.CONTENT_LENGTH, PIXEL_LENGTH);
    if (status == 503) {
      headers.set(RETRY_AFTER, RETRY_AFTER_SECONDS);
    }
    response.setStatusCode(status).end(Buffer.buffer(PIXEL));
  }

  /** 302 to {@code location}, not to be cached: every click must reach the tracker. */
  static void redirect(HttpServerResponse response, String location) {
    response.setStatusCode(302)
        .putHeader(HttpHeaders.LOCATION, location)
        .putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE)
        .putHeader(HttpHeaders.CONTENT_LENGTH, NO_BODY)
        .end();
  }

  private static void send(HttpServerResponse response, int status, Buffer body) {
    response.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
        .putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length()))
        .end(body);
  }

  private static Buffer write(Body body) {
    Buffer buffer = Buffer.buffer(INITIAL_BODY_BYTES);
    try (JsonGenerator json = JSON.createGenerator(new BufferOutput(buffer))) {
      body.writeTo(json);
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to memory failed", e); // BufferOutput never throws
    }
    return buffer;
  }

  @FunctionalInterface
  private interface Body {
    void writeTo(JsonGenerator json) throws IOException;
  }

  /** Lets the generator flush into a Vert.x buffer: it hands over its own (recycled) buffer in one or a few writes. */
  private static final class BufferOutput extends OutputStream {

    private final Buffer buffer;

    BufferOutput(Buffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public void write(int b) {
      buffer.appendByte((byte) b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      buffer.appendBytes(bytes, offset, length);
    }
  }
}
