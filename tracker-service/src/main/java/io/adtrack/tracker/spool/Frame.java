package io.adtrack.tracker.spool;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The on-disk layout of one spooled record (big-endian):
 * <pre>
 *  0  int   magic        {@link #MAGIC}: where a frame starts, so a reader can find the next one after damage
 *  4  int   body length  2 + message id bytes + data bytes
 *  8  long  sequence     per spool, ascending, contiguous within a segment
 * 16  long  appended at  epoch milliseconds (survives a restart, for the age of the oldest record)
 * 24  int   body CRC32C
 * 28  int   header CRC32C of bytes 0..27
 * 32  body: unsigned short message id length, message id (UTF-8), data
 * </pre>
 * The header has its own checksum so that a damaged length is never believed: with a bad header the reader scans
 * forward for the next magic whose header checks out, and with a good header but a bad body it skips exactly that
 * frame. Either way the intact frames around the damage are kept.
 */
final class Frame {

  /** Bytes 0xAD 'D' '_' and the format version, 1. Only a hint: the header checksum decides. */
  static final int MAGIC = 0xAD_44_5F_01;
  static final int HEADER_BYTES = 32;
  static final int MAX_ID_BYTES = 256;
  /** A sanity bound, far above any record the spool accepts; a header claiming more is damaged. */
  static final int MAX_BODY_BYTES = 2 + MAX_ID_BYTES + (16 << 20);

  static final int BODY_LENGTH_AT = 4;
  static final int SEQUENCE_AT = 8;
  static final int APPENDED_AT = 16;
  static final int BODY_CRC_AT = 24;
  static final int HEADER_CRC_AT = 28;

  private Frame() {
  }

  /** Bytes one record takes on disk. */
  static int size(int idBytes, int dataBytes) {
    return HEADER_BYTES + 2 + idBytes + dataBytes;
  }

  /** Writes one frame at the buffer's position (which must have room for {@link #size}). */
  static void encode(ByteBuffer out, long sequence, long appendedAtMillis, byte[] id, byte[] data, CRC32C crc) {
    int start = out.position();
    int bodyLength = 2 + id.length + data.length;
    crc.reset();
    crc.update(id.length >>> 8);
    crc.update(id.length);
    crc.update(id);
    crc.update(data);
    int bodyCrc = (int) crc.getValue();

    out.putInt(MAGIC).putInt(bodyLength).putLong(sequence).putLong(appendedAtMillis).putInt(bodyCrc);
    crc.reset();
    crc.update(out.duplicate().position(start).limit(start + HEADER_CRC_AT));
    out.putInt((int) crc.getValue());
    out.putShort((short) id.length).put(id).put(data);
  }

  /** Whether the {@link #HEADER_BYTES} at {@code offset} are a frame header: magic, sane length, checksum. */
  static boolean headerIsValid(ByteBuffer in, int offset, CRC32C crc) {
    if (in.getInt(offset) != MAGIC) {
      return false;
    }
    int bodyLength = in.getInt(offset + BODY_LENGTH_AT);
    if (bodyLength < 2 || bodyLength > MAX_BODY_BYTES) {
      return false;
    }
    crc.reset();
    crc.update(in.array(), in.arrayOffset() + offset, HEADER_CRC_AT);
    return (int) crc.getValue() == in.getInt(offset + HEADER_CRC_AT);
  }

  /** Whether the body that follows a valid header at {@code offset} matches its checksum and id length. */
  static boolean bodyIsValid(ByteBuffer in, int offset, CRC32C crc) {
    int bodyLength = in.getInt(offset + BODY_LENGTH_AT);
    int bodyAt = offset + HEADER_BYTES;
    crc.reset();
    crc.update(in.array(), in.arrayOffset() + bodyAt, bodyLength);
    if ((int) crc.getValue() != in.getInt(offset + BODY_CRC_AT)) {
      return false;
    }
    int idLength = Short.toUnsignedInt(in.getShort(bodyAt));
    return idLength <= MAX_ID_BYTES && 2 + idLength <= bodyLength;
  }
}
