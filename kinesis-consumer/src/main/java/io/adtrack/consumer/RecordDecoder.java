package io.adtrack.consumer;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent.Record;
import com.google.protobuf.InvalidProtocolBufferException;
import io.adtrack.proto.TrackingEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Date;

/**
 * Turns a Kinesis record into a {@link TrackingEvent} that can be stored, or says why it cannot (a poison record:
 * retrying it would fail the same way forever).
 */
final class RecordDecoder {

  /** DynamoDB's limit for a partition key value, and for a GSI key value. */
  private static final int MAX_KEY_BYTES = 2048;
  /**
   * The item is the event's fields plus ~200 bytes of attribute names; staying well under DynamoDB's 400 KB item
   * limit keeps one oversized record from failing its whole BatchWriteItem call on every retry.
   */
  private static final int MAX_EVENT_BYTES = 390_000;

  private RecordDecoder() {
  }

  /** The record's sequence number, the identifier batch item failures are reported with. */
  static String sequenceNumber(KinesisEventRecord record) {
    Record kinesis = record.getKinesis();
    return kinesis == null ? null : kinesis.getSequenceNumber();
  }

  static TrackingEvent decode(KinesisEventRecord record) throws PoisonRecordException {
    Record kinesis = record.getKinesis();
    if (kinesis == null || kinesis.getData() == null) {
      throw new PoisonRecordException("no data");
    }
    ByteBuffer data = kinesis.getData().duplicate();
    if (data.remaining() > MAX_EVENT_BYTES) {
      throw new PoisonRecordException(data.remaining() + " bytes, too large for one DynamoDB item");
    }
    TrackingEvent event;
    try {
      event = TrackingEvent.parseFrom(data);
    } catch (InvalidProtocolBufferException e) {
      throw new PoisonRecordException("not a TrackingEvent: " + e.getMessage());
    }
    requireKey(event.getMessageId(), "messageId");
    requireKey(event.getProgramId(), "programId");
    if (event.getReceivedAt() <= 0) {
      // The tracker always sets it; should it be missing, Kinesis' arrival time is the best stable stand-in
      // (the same on redelivery) and keeps the item in the byProgram index and under TTL.
      Date arrival = kinesis.getApproximateArrivalTimestamp();
      if (arrival != null) {
        event = event.toBuilder().setReceivedAt(arrival.getTime()).build();
      }
    }
    return event;
  }

  private static void requireKey(String value, String name) throws PoisonRecordException {
    if (value.isEmpty()) {
      throw new PoisonRecordException("missing " + name);
    }
    if (value.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      throw new PoisonRecordException(name + " longer than " + MAX_KEY_BYTES + " bytes");
    }
  }

  /** Why a record cannot be stored; the writer counts and skips it. */
  static final class PoisonRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    PoisonRecordException(String reason) {
      super(reason, null, false, false);
    }
  }
}
