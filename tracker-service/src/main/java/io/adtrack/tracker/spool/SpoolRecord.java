package io.adtrack.tracker.spool;

/**
 * One record read back from the spool, handed to the sender by {@link Spool#poll} and given back to
 * {@link Spool#confirm} once it is stored downstream.
 */
public final class SpoolRecord {

  private final long sequence;
  private final String messageId;
  private final byte[] data;
  private final long appendedAtMillis;
  private final long size;
  final Segment segment;

  SpoolRecord(long sequence, String messageId, int messageIdBytes, byte[] data, long appendedAtMillis,
      Segment segment) {
    this.sequence = sequence;
    this.messageId = messageId;
    this.data = data;
    this.appendedAtMillis = appendedAtMillis;
    this.size = (long) data.length + messageIdBytes;
    this.segment = segment;
  }

  /** Position in the spool: ascending in append order, unique within one spool directory. */
  public long sequence() {
    return sequence;
  }

  public String messageId() {
    return messageId;
  }

  /** The appended bytes (the caller's own copy; the spool keeps none). */
  public byte[] data() {
    return data;
  }

  /** When the record was appended (wall clock, epoch milliseconds). */
  public long appendedAtMillis() {
    return appendedAtMillis;
  }

  /** Data plus message id (UTF-8) bytes: what Kinesis counts against its record and request limits. */
  public long size() {
    return size;
  }

  @Override
  public String toString() {
    return "SpoolRecord[sequence=" + sequence + ", messageId=" + messageId + ", bytes=" + data.length + "]";
  }
}
