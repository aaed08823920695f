package io.adtrack.consumer;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import io.adtrack.proto.EventType;
import io.adtrack.proto.TrackingEvent;
import io.adtrack.testkit.lambda.KinesisEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Builds tracking events and the records of {@code tracking-events} Lambda would deliver for them. */
final class TestRecords {

  /** The stream the consumer reads; only its name shows, in each record's eventSourceARN. */
  static final KinesisEvents.Source SOURCE = KinesisEvents.Source.of("tracking-events");

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

  /** The event as the tracker puts it: plain protobuf bytes, partition key = messageId. */
  static KinesisEventRecord record(TrackingEvent event, int index) {
    return record(event.toByteArray(), event.getMessageId(), index);
  }

  static KinesisEventRecord record(byte[] data, String partitionKey, int index) {
    return KinesisEvents.record(SOURCE, index, partitionKey, data);
  }

  static String messageIdOf(KinesisEventRecord record) {
    return record.getKinesis().getPartitionKey();
  }
}
