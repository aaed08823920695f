package io.adtrack.tracker.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The confirmation watermark: every record with a lower sequence number was confirmed, so a restart need not send
 * it again. 16 bytes (magic, watermark, CRC32C) replaced atomically (write aside, then rename). It is only ever an
 * optimisation: a missing, stale or damaged file means more records are sent twice, never that one is skipped, so it
 * is written about once a second and not synced.
 */
final class Checkpoint {

  private static final Logger LOG = LoggerFactory.getLogger(Checkpoint.class);
  private static final int MAGIC = 0xAD_43_4B_01;
  private static final int BYTES = 16;
  static final String FILE_NAME = "checkpoint";
  private static final String TEMPORARY_NAME = "checkpoint.tmp";

  private Checkpoint() {
  }

  /** The watermark stored in {@code directory}, or 0 (replay everything) when there is none or it is damaged. */
  static long read(Path directory) {
    Path file = directory.resolve(FILE_NAME);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      LOG.warn("Cannot read the spool checkpoint {}: every record in the spool will be sent again", file, e);
      return 0;
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if (bytes.length != BYTES || in.getInt(0) != MAGIC || in.getInt(12) != checksum(in)) {
      LOG.warn("The spool checkpoint {} is damaged ({} bytes): every record in the spool will be sent again",
          file, bytes.length);
      return 0;
    }
    return in.getLong(4);
  }

  /** Replaces the stored watermark. */
  static void write(Path directory, long watermark) throws IOException {
    ByteBuffer out = ByteBuffer.allocate(BYTES).putInt(MAGIC).putLong(watermark);
    out.putInt(checksum(out));
    Path temporary = directory.resolve(TEMPORARY_NAME);
    Files.write(temporary, out.array());
    Files.move(temporary, directory.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  private static int checksum(ByteBuffer bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes.array(), 0, 12);
    return (int) crc.getValue();
  }
}
