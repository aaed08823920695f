package io.adtrack.tracker.kinesis;

import java.nio.charset.StandardCharsets;

/**
 * One tracking event waiting for Kinesis: the partition key (the event's message id, ASCII: docs/contracts.md,
 * "Streams and partition keys") and the serialized {@code TrackingEvent}. Its size is computed once here, since the
 * send path asks for it several times per record. When it was accepted is stamped by the buffer that takes it; the
 * failure count is the sender's bookkeeping (touched on its context only, after the buffer's hand-over, which
 * publishes the stamp too).
 */
public final class PendingRecord {

  private final String partitionKey;
  private final byte[] data;
  private final long size;
  private long acceptedAtNanos;
  private int failures;

  public PendingRecord(String partitionKey, byte[] data) {
    this.partitionKey = partitionKey;
    this.data = data;
    this.size = (long) data.length + utf8Length(partitionKey);
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

  /** When the buffer accepted this record (its ticker's scale). */
  public long acceptedAtNanos() {
    return acceptedAtNanos;
  }

  /** Stamped by the buffer as it takes the record, before the record is visible to the sender. */
  void accepted(long nanos) {
    this.acceptedAtNanos = nanos;
  }

  /** Counts one more PutRecords entry of this record that Kinesis refused; returns how many so far (sender only). */
  int failedOnceMore() {
    return ++failures;
  }

  @Override
  public String toString() {
    return "PendingRecord[partitionKey=" + partitionKey + ", size=" + size + "]";
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
