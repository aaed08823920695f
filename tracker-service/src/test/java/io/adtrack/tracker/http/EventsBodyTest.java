package io.adtrack.tracker.http;

import static io.adtrack.tracker.Compression.deflate;
import static io.adtrack.tracker.Compression.gzip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventsBodyTest {

  private static final byte[] JSON =
      "[{\"programId\":\"p\",\"type\":\"event\"}]".getBytes(StandardCharsets.UTF_8);
  private static final int MAX = 1024;

  @ParameterizedTest
  @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "text/plain;charset=UTF-8",
      "TEXT/PLAIN", "text/plain; charset=\"utf-8\"", "application/json;foo=bar"})
  void jsonAndPlainText_inUtf8_areTaken(String contentType) {
    assertThatCode(() -> EventsBody.checkContentType(contentType)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/html", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
      "application/jsonx", "text/plain; charset=iso-8859-1", "application/json; charset=utf-16"})
  void otherTypesOrCharsets_are415(String contentType) {
    assertRefused(() -> EventsBody.checkContentType(contentType), 415);
  }

  @ParameterizedTest
  @ValueSource(strings = {"identity", "IDENTITY", ""})
  void anIdentityBody_isTheBody(String coding) {
    assertThat(EventsBody.decode(coding, JSON, MAX)).isSameAs(JSON);
    assertThat(EventsBody.decode(null, JSON, MAX)).isSameAs(JSON);
  }

  @Test
  void gzipAndDeflate_inBothWrappings_areInflated() {
    assertThat(EventsBody.decode("gzip", gzip(JSON), MAX)).isEqualTo(JSON);
    assertThat(EventsBody.decode("x-gzip", gzip(JSON), MAX)).isEqualTo(JSON);
    assertThat(EventsBody.decode("deflate", deflate(JSON, false), MAX)).isEqualTo(JSON);
    assertThat(EventsBody.decode("Deflate", deflate(JSON, true), MAX)).isEqualTo(JSON);
  }

  @Test
  void aBodyOfExactlyTheLimit_isTaken_andOneByteMoreIs413() {
    byte[] atLimit = new byte[MAX];
    Arrays.fill(atLimit, (byte) ' ');

    assertThat(EventsBody.decode("gzip", gzip(atLimit), MAX)).hasSize(MAX);
    assertRefused(() -> EventsBody.decode("gzip", gzip(Arrays.copyOf(atLimit, MAX + 1)), MAX), 413);
  }

  @Test
  void aDecompressionBomb_is413_andNeverInflatedInFull() {
    byte[] zeros = bomb(64 << 20);
    assertThat(zeros.length).as("64 MiB of zeros, gzipped").isLessThan(MAX * 100);

    assertRefused(() -> EventsBody.decode("gzip", zeros, MAX), 413);
  }

  @Test
  void brokenStreams_are400() {
    byte[] gzip = gzip(JSON);
    assertRefused(() -> EventsBody.decode("gzip", Arrays.copyOf(gzip, gzip.length - 5), MAX), 400);
    assertRefused(() -> EventsBody.decode("gzip", JSON, MAX), 400);
    assertRefused(() -> EventsBody.decode("gzip", new byte[0], MAX), 400);
    byte[] corrupt = gzip.clone();
    corrupt[gzip.length - 6] ^= 0x55; // the CRC no longer matches
    assertRefused(() -> EventsBody.decode("gzip", corrupt, MAX), 400);
    byte[] deflate = deflate(JSON, false);
    assertRefused(() -> EventsBody.decode("deflate", Arrays.copyOf(deflate, deflate.length / 2), MAX), 400);
    assertRefused(() -> EventsBody.decode("deflate", new byte[] {(byte) 0xFF, (byte) 0xFF, 0x00}, MAX), 400);
  }

  @ParameterizedTest
  @ValueSource(strings = {"br", "zstd", "compress", "gzip, gzip"})
  void otherCodings_are415(String coding) {
    assertRefused(() -> EventsBody.decode(coding, JSON, MAX), 415);
  }

  private static void assertRefused(Runnable decode, int status) {
    assertThatThrownBy(decode::run).isInstanceOfSatisfying(EventsBody.RefusedException.class,
        e -> assertThat(e.status()).isEqualTo(status));
  }

  /** {@code size} zero bytes, gzipped: about a thousandth of that. */
  static byte[] bomb(int size) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] zeros = new byte[1 << 20];
    try (OutputStream gzip = new GZIPOutputStream(bytes)) {
      for (int written = 0; written < size; written += zeros.length) {
        gzip.write(zeros);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
