package io.adtrack.tracker.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * What POST /events accepts as a body: JSON sent as {@code application/json}, or as {@code text/plain} (what
 * {@code navigator.sendBeacon} sends for a string, and what a page may POST cross-origin without a preflight), in
 * UTF-8; optionally compressed with {@code Content-Encoding: gzip} or {@code deflate}, and then inflated to at most
 * MAX_BODY_BYTES, so a small bomb costs no more than an honest body of that size.
 */
final class EventsBody {

  /** The compression method a zlib header names for deflate (RFC 1950: CM = 8). */
  private static final int ZLIB_METHOD_DEFLATE = 8;

  private EventsBody() {
  }

  /** A body refused as a whole, with its status (400, 413 or 415). */
  static final class RefusedException extends RuntimeException {

    private final int status;

    RefusedException(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    int status() {
      return status;
    }
  }

  /**
   * Accepts no Content-Type (read as JSON), {@code application/json} and {@code text/plain}, with no charset or
   * UTF-8.
   *
   * @throws RefusedException 415 otherwise
   */
  static void checkContentType(String contentType) {
    if (contentType == null) {
      return;
    }
    String[] parts = contentType.split(";");
    String mediaType = parts[0].trim().toLowerCase(Locale.ROOT);
    if (!"application/json".equals(mediaType) && !"text/plain".equals(mediaType)) {
      throw new RefusedException(415, "Content-Type must be application/json or text/plain");
    }
    for (int i = 1; i < parts.length; i++) {
      String parameter = parts[i].trim();
      int equals = parameter.indexOf('=');
      if (equals > 0 && "charset".equalsIgnoreCase(parameter.substring(0, equals).trim())) {
        String charset = parameter.substring(equals + 1).trim().replace("\"", "");
        if (!"utf-8".equalsIgnoreCase(charset)) {
          throw new RefusedException(415, "charset must be UTF-8, got " + charset);
        }
      }
    }
  }

  /**
   * The body with its content coding undone.
   *
   * @param maxBytes the most the decoded body may hold
   * @throws RefusedException 415 for a coding other than gzip, deflate or identity; 413 when the decoded body
   *                          exceeds {@code maxBytes} (found after inflating at most {@code maxBytes + 1} bytes);
   *                          400 for a stream that is not what its coding says
   */
  static byte[] decode(String contentEncoding, byte[] body, int maxBytes) {
    String coding = contentEncoding == null ? "identity" : contentEncoding.trim().toLowerCase(Locale.ROOT);
    return switch (coding) {
      case "identity", "" -> body;
      case "gzip", "x-gzip" -> inflate("gzip", body, maxBytes);
      case "deflate" -> inflate("deflate", body, maxBytes);
      default -> throw new RefusedException(415, "Content-Encoding must be gzip, deflate or identity");
    };
  }

  private static byte[] inflate(String coding, byte[] body, int maxBytes) {
    // "deflate" is zlib-wrapped (RFC 9110), but some clients send a raw deflate stream: tell them apart by the
    // zlib header, as browsers do for responses.
    Inflater inflater = "deflate".equals(coding) ? new Inflater(!hasZlibHeader(body)) : null;
    try (InputStream in = inflater == null
        ? new GZIPInputStream(new ByteArrayInputStream(body))
        : new InflaterInputStream(new ByteArrayInputStream(body), inflater)) {
      byte[] decoded = in.readNBytes(maxBytes + 1);
      if (decoded.length > maxBytes) {
        throw new RefusedException(413, "request body larger than " + maxBytes + " bytes once decompressed");
      }
      return decoded;
    } catch (IOException e) {
      throw new RefusedException(400, "body is not a valid " + coding + " stream");
    } finally {
      if (inflater != null) {
        inflater.end(); // an Inflater passed in is not ended by the stream's close()
      }
    }
  }

  private static boolean hasZlibHeader(byte[] body) {
    if (body.length < 2) {
      return false;
    }
    int cmf = body[0] & 0xFF;
    int flags = body[1] & 0xFF;
    return (cmf & 0x0F) == ZLIB_METHOD_DEFLATE && ((cmf << 8) | flags) % 31 == 0;
  }
}
