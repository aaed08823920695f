package io.adtrack.tracker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/** Bodies compressed the ways clients send them ({@code Content-Encoding: gzip, deflate}), for the tests. */
public final class Compression {

  private Compression() {
  }

  public static byte[] gzip(byte[] data) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** zlib-wrapped (what RFC 9110 calls deflate), or raw, as some clients send it; any size. */
  public static byte[] deflate(byte[] data, boolean raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, raw);
    try (OutputStream deflate = new DeflaterOutputStream(bytes, deflater)) {
      deflate.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deflater.end(); // a Deflater passed in is not ended by the stream's close()
    }
    return bytes.toByteArray();
  }
}
