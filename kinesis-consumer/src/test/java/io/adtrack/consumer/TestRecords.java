package io.adtrack.consumer;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import io.adtrack.proto.EventType;
import io.adtrack.proto.TrackingEvent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/** Builds tracking events and the Kinesis records Lambda would deliver for them. */
final class TestRecords {

  private TestRecords() {
  }

  /** A complete event of the given program, with a fresh messageId. */
  static TrackingEvent event(String programId) {
    return TrackingEvent.newBuilder()
        .setMessageId(UUID.randomUUID().toString())
        .setType(EventType.IMPRESSION)
        .setProgramId(programId)
        .setProgramName("program " + programId)
        .setCustomerId(42)
        .setCustomerName("Customer 42")
        .setUserAgent("Mozilla/5.0 (test)")
        .setReceivedAt(System.currentTimeMillis())
        .setProgramVersion(1)
        .setClientIp("192.0.2.1")
        .putParams("slot", "top")
        .build();
  }

  /** {@code count} records of distinct events of one program, sequence numbers in order. */
  static List<KinesisEventRecord> records(int count, String programId) {
    List<KinesisEventRecord> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      records.add(record(event(programId), i));
    }
    return records;
  }

  static KinesisEventRecord record(TrackingEvent event, int index) {
    return record(event.toByteArray(), event.getMessageId(), index);
  }

  static KinesisEventRecord record(byte[] data, String partitionKey, int index) {
    KinesisEvent.Record kinesis = new KinesisEvent.Record();
    kinesis.setData(ByteBuffer.wrap(data));
    kinesis.setPartitionKey(partitionKey);
    kinesis.setSequenceNumber(sequenceNumber(index));
    kinesis.setApproximateArrivalTimestamp(new Date());
    kinesis.setKinesisSchemaVersion("1.0");
    KinesisEventRecord record = new KinesisEventRecord();
    record.setKinesis(kinesis);
    record.setEventSource("aws:kinesis");
    record.setEventName("aws:kinesis:record");
    return record;
  }

  /** Kinesis-like sequence numbers: decimal, fixed width, increasing with the index. */
  static String sequenceNumber(int index) {
    return String.format("4959033827149025660855969253836157109592157598913%07d", index);
  }

  static KinesisEvent kinesisEvent(List<KinesisEventRecord> records) {
    KinesisEvent event = new KinesisEvent();
    event.setRecords(records);
    return event;
  }

  static String sequenceNumberOf(KinesisEventRecord record) {
    return record.getKinesis().getSequenceNumber();
  }

  static String messageIdOf(KinesisEventRecord record) {
    return record.getKinesis().getPartitionKey();
  }
}
