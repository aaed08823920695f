package io.adtrack.tracker.kinesis;

import java.nio.charset.StandardCharsets;

/**
 * One tracking event waiting for Kinesis: the partition key (the event's message id, ASCII: docs/contracts.md,
 * "Streams and partition keys") and the serialized {@code TrackingEvent}. Its size is computed once here, since the
 * send path asks for it several times per record. The failure count is the sender's bookkeeping (touched on its
 * context only, after the source's hand-over).
 *
 * <p>A record that someone waits for, or that a durable source must confirm, extends this and overrides
 * {@link #stored()} (and {@link #abandoned()}); a plain one needs neither.
 */
public class PendingRecord {

  private final String partitionKey;
  private final byte[] data;
  private final long size;
  /** When the record was accepted (the ticker's scale): set by the source that takes it, before the sender sees it. */
  long acceptedAtNanos;
  private int failures;

  /** A record whose acceptance the buffer it is offered to will stamp. */
  public PendingRecord(String partitionKey, byte[] data) {
    this.partitionKey = partitionKey;
    this.data = data;
    this.size = (long) data.length + utf8Length(partitionKey);
  }

  /** A record accepted at {@code acceptedAtNanos} (the sender's ticker), e.g. one read back from a spool. */
  protected PendingRecord(String partitionKey, byte[] data, long acceptedAtNanos) {
    this(partitionKey, data);
    this.acceptedAtNanos = acceptedAtNanos;
  }

  public String partitionKey() {
    return partitionKey;
  }

  public byte[] data() {
    return data;
  }

  /** What Kinesis counts against its 1 MiB record and 5 MiB request limits: data plus partition key. */
  public long size() {
    return size;
  }

  /** When the record was accepted, on the sender's ticker: for the linger and the age of the oldest record. */
  public long acceptedAtNanos() {
    return acceptedAtNanos;
  }

  /**
   * Kinesis stored this record (its PutRecords entry succeeded). Called once, on the sender's context: whoever waits
   * for the record is told, a durable source confirms it. Nothing to do for a plain record.
   */
  protected void stored() {
  }

  /**
   * Whether nobody wants this record sent any more: whoever waited for it gave up and answered the client that it
   * was not kept (ACK_AFTER=kinesis, past ACK_TIMEOUT_MS). The sender drops such a record instead of sending or
   * retrying it, so that the client's own retry does not put the event on the stream twice. Any thread.
   */
  public boolean abandoned() {
    return false;
  }

  /** Counts one more PutRecords entry of this record that Kinesis refused; returns how many so far (sender only). */
  int failedOnceMore() {
    return ++failures;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[partitionKey=" + partitionKey + ", size=" + size + "]";
  }

  // Count without encoding: message ids are ASCII anyway.
  private static int utf8Length(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return text.getBytes(StandardCharsets.UTF_8).length;
      }
    }
    return text.length();
  }
}
