package io.adtrack.tracker.spool;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Walks the frames of one segment file in order, up to an end the caller gives (the end of what the writer has
 * committed, which grows while the segment is being written). Whatever does not check out is passed over and
 * described ({@link Step#SKIPPED}), never thrown: a frame with a good header and a bad body is skipped by its length;
 * after a bad header the scanner looks for the next position holding a valid header whose sequence is not behind
 * the last good one. Reads through a bounded buffer (grown only to fit one frame), never the whole file.
 * Not thread-safe.
 */
final class FrameScanner implements Closeable {

  /** What {@link #next} found. */
  enum Step { RECORD, SKIPPED, END }

  private static final int INITIAL_BUFFER_BYTES = 256 * 1024;

  private final FileChannel channel;
  private final CRC32C crc = new CRC32C();
  private ByteBuffer buffer = ByteBuffer.allocate(INITIAL_BUFFER_BYTES);
  /** File position of buffer index 0, and how many bytes from there the buffer holds. */
  private long bufferStart;
  private int bufferLength;
  private long position;
  private long expectedSequence;
  private long missingRecords;

  private int frameAt;
  private long sequence;
  private long appendedAtMillis;

  private long skippedFrom;
  private long skippedTo;
  private String skipReason;

  private FrameScanner(FileChannel channel, long firstSequence) {
    this.channel = channel;
    this.expectedSequence = firstSequence;
  }

  /** Opens the segment at {@code path}, whose records start at {@code firstSequence}, for reading. */
  static FrameScanner open(Path path, long firstSequence) throws IOException {
    return new FrameScanner(FileChannel.open(path, StandardOpenOption.READ), firstSequence);
  }

  /** Reads the next frame before {@code end}: a record, a skipped region, or the end. */
  Step next(long end) throws IOException {
    if (position >= end) {
      return Step.END;
    }
    if (!load(position, Frame.HEADER_BYTES, end)) {
      return skipTo(end, "an incomplete header (a write cut short)");
    }
    int at = index(position);
    if (!Frame.headerIsValid(buffer, at, crc)) {
      return skipTo(nextFrameAfter(position, end), "a damaged header");
    }
    int bodyLength = buffer.getInt(at + Frame.BODY_LENGTH_AT);
    long frameEnd = position + Frame.HEADER_BYTES + bodyLength;
    long frameSequence = buffer.getLong(at + Frame.SEQUENCE_AT);
    if (frameEnd > end) {
      return skipTo(end, "a record cut short (" + (end - position) + " of " + (frameEnd - position) + " bytes)");
    }
    if (frameSequence < expectedSequence) {
      return skipTo(frameEnd, "a record out of sequence (" + frameSequence + " after " + (expectedSequence - 1) + ")");
    }
    load(position, Frame.HEADER_BYTES + bodyLength, end);
    at = index(position);
    if (!Frame.bodyIsValid(buffer, at, crc)) {
      return skipTo(frameEnd, "a record whose data fails its checksum (sequence " + frameSequence + ")");
    }
    missingRecords += frameSequence - expectedSequence;
    expectedSequence = frameSequence + 1;
    frameAt = at;
    sequence = frameSequence;
    appendedAtMillis = buffer.getLong(at + Frame.APPENDED_AT);
    position = frameEnd;
    return Step.RECORD;
  }

  /** Where the next frame starts (after a RECORD: where the record ended). */
  long position() {
    return position;
  }

  /** Records whose sequence numbers were passed over between the good ones so far (lost to damage). */
  long missingRecords() {
    return missingRecords;
  }

  long sequence() {
    return sequence;
  }

  long appendedAtMillis() {
    return appendedAtMillis;
  }

  String messageId() {
    int bodyAt = frameAt + Frame.HEADER_BYTES;
    return new String(buffer.array(), bodyAt + 2, idLength(bodyAt), StandardCharsets.UTF_8);
  }

  /** Message id plus data bytes of the record read last. */
  int recordBytes() {
    return buffer.getInt(frameAt + Frame.BODY_LENGTH_AT) - 2;
  }

  int messageIdBytes() {
    return idLength(frameAt + Frame.HEADER_BYTES);
  }

  byte[] data() {
    int bodyAt = frameAt + Frame.HEADER_BYTES;
    int bodyEnd = bodyAt + buffer.getInt(frameAt + Frame.BODY_LENGTH_AT);
    return Arrays.copyOfRange(buffer.array(), bodyAt + 2 + idLength(bodyAt), bodyEnd);
  }

  long skippedFrom() {
    return skippedFrom;
  }

  long skippedTo() {
    return skippedTo;
  }

  String skipReason() {
    return skipReason;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  private int idLength(int bodyAt) {
    return Short.toUnsignedInt(buffer.getShort(bodyAt));
  }

  private Step skipTo(long to, String reason) {
    skippedFrom = position;
    skippedTo = to;
    skipReason = reason;
    position = to;
    return Step.SKIPPED;
  }

  /** The first position after {@code from} holding a believable frame header, or {@code end}. */
  private long nextFrameAfter(long from, long end) throws IOException {
    for (long candidate = from + 1; load(candidate, Frame.HEADER_BYTES, end); candidate++) {
      int at = index(candidate);
      if (buffer.getInt(at) == Frame.MAGIC && Frame.headerIsValid(buffer, at, crc)
          && buffer.getLong(at + Frame.SEQUENCE_AT) >= expectedSequence) {
        return candidate;
      }
    }
    return end;
  }

  private int index(long filePosition) {
    return (int) (filePosition - bufferStart);
  }

  /** Makes bytes [pos, pos + n) available in the buffer; false when they are not all before {@code end}. */
  private boolean load(long pos, int n, long end) throws IOException {
    if (pos + n > end) {
      return false;
    }
    if (pos >= bufferStart && pos + n <= bufferStart + bufferLength) {
      return true;
    }
    if (n > buffer.capacity()) {
      buffer = ByteBuffer.allocate(Math.max(n, buffer.capacity() * 2));
    }
    int want = (int) Math.min(buffer.capacity(), end - pos);
    buffer.clear().limit(want);
    int read = 0;
    while (read < want) {
      int got = channel.read(buffer, pos + read);
      if (got < 0) {
        break;
      }
      read += got;
    }
    bufferStart = pos;
    bufferLength = read;
    return read >= n;
  }
}
