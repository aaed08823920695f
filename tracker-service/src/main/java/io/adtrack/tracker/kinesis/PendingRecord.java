package io.adtrack.tracker.kinesis;

import java.nio.charset.StandardCharsets;

/**
 * One tracking event waiting for Kinesis.
 *
 * @param partitionKey the event's message id (ASCII)
 * @param data         the serialized {@code TrackingEvent}
 */
public record PendingRecord(String partitionKey, byte[] data) {

  /** What Kinesis counts against its 1 MiB record and 5 MiB request limits: data plus partition key. */
  public long size() {
    return (long) data.length + utf8Length(partitionKey);
  }

  // Called several times per record on the send path: count without encoding (message ids are ASCII anyway).
  private static int utf8Length(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return text.getBytes(StandardCharsets.UTF_8).length;
      }
    }
    return text.length();
  }
}
