package io.adtrack.tracker.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.code_intelligence.jazzer.api.BugDetectors;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Sends bytes exactly as given to the tracker over a fresh connection and reads the answer until the server closes
 * it: the fuzz tests control every byte of a request, which an HTTP client would check or rewrite. Also watches
 * the tracker's log for errors, which a fuzz input must never cause.
 */
final class RawHttp {

  /** One answer: status, headers (lower-case names), body. */
  record Answer(int status, Map<String, String> headers, byte[] body) {

    String contentType() {
      return headers.getOrDefault("content-type", "");
    }

    JsonObject json() {
      return new JsonObject(new String(body, StandardCharsets.UTF_8));
    }
  }

  private static final int READ_TIMEOUT_MILLIS = 10_000;
  private static final List<ILoggingEvent> ERRORS = new CopyOnWriteArrayList<>();

  static {
    AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
          ERRORS.add(event);
        }
      }
    };
    appender.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(appender);
  }

  private RawHttp() {
  }

  /**
   * Lets the tracker and this test connect on this machine: Jazzer reports any connection as a possible request
   * forgery, and resets what is allowed when fuzzing starts, so each input sets it again (a global setting).
   */
  static void allowLoopbackConnections() {
    BugDetectors.allowNetworkConnections((host, port) -> "localhost".equals(host) || host.startsWith("127.")
        || "::1".equals(host) || "0:0:0:0:0:0:0:1".equals(host));
  }

  /** Sends {@code request} (which should ask for {@code Connection: close}) and reads the whole answer. */
  static Answer send(int port, byte[] request) {
    try (Socket socket = new Socket("localhost", port)) {
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      return parse(readAll(socket.getInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException("no complete answer to " + printable(request), e);
    }
  }

  /** Fails when the tracker logged an error since the last call, naming it. */
  static void assertNoErrorLogged(byte[] request) {
    if (!ERRORS.isEmpty()) {
      ILoggingEvent first = ERRORS.get(0);
      ERRORS.clear();
      throw new AssertionError("the tracker logged an error for " + printable(request) + ": "
          + first.getFormattedMessage() + (first.getThrowableProxy() == null ? ""
          : " (" + first.getThrowableProxy().getClassName() + ": " + first.getThrowableProxy().getMessage() + ")"));
    }
  }

  /** The request with control and non-ASCII bytes escaped, short enough for a failure message. */
  static String printable(byte[] request) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < Math.min(request.length, 600); i++) {
      int b = request[i] & 0xff;
      text.append(b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b));
    }
    return text + (request.length > 600 ? "... (" + request.length + " bytes)" : "");
  }

  /** Asserts what every error answer of the API is: a JSON object naming the same status, with a message. */
  static void assertJsonError(Answer answer) {
    assertThat(answer.contentType()).startsWith("application/json");
    JsonObject error = answer.json();
    assertThat(error.getInteger("status")).isEqualTo(answer.status());
    assertThat(error.getString("error")).isNotBlank();
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    in.transferTo(all);
    return all.toByteArray();
  }

  private static Answer parse(byte[] raw) {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int headEnd = text.indexOf("\r\n\r\n");
    assertThat(headEnd).as("an answer with a complete head: %s", text).isPositive();
    String[] lines = text.substring(0, headEnd).split("\r\n");
    assertThat(lines[0]).as("the status line").matches("HTTP/1\\.[01] \\d{3} .*");
    int status = Integer.parseInt(lines[0].substring(9, 12));
    Map<String, String> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    byte[] body = Arrays.copyOfRange(raw, headEnd + 4, raw.length);
    return new Answer(status, headers, body);
  }
}
