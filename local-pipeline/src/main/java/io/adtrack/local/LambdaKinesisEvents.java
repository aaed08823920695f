package io.adtrack.local;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import java.nio.ByteBuffer;
import java.util.Date;
import java.util.List;
import software.amazon.awssdk.services.kinesis.model.Record;

/** Turns records read with GetRecords into the {@link KinesisEvent} Lambda's event-source mapping delivers. */
final class LambdaKinesisEvents {

  static final String EVENT_SOURCE = "aws:kinesis";
  static final String EVENT_NAME = "aws:kinesis:record";
  static final String VERSION = "1.0";

  private LambdaKinesisEvents() {
  }

  /**
   * One event for a batch read from one shard; field for field what Lambda's JSON event deserialises to (the base64
   * {@code data} arrives decoded in a heap {@link ByteBuffer}).
   */
  static KinesisEvent toEvent(List<Record> records, String shardId, String streamArn, String region,
      String functionRoleArn) {
    KinesisEvent event = new KinesisEvent();
    event.setRecords(records.stream()
        .map(record -> toEventRecord(record, shardId, streamArn, region, functionRoleArn))
        .toList());
    return event;
  }

  private static KinesisEventRecord toEventRecord(Record record, String shardId, String streamArn, String region,
      String functionRoleArn) {
    KinesisEvent.Record kinesis = new KinesisEvent.Record();
    kinesis.setKinesisSchemaVersion(VERSION);
    kinesis.setPartitionKey(record.partitionKey());
    kinesis.setSequenceNumber(record.sequenceNumber());
    // A writable heap buffer, as the runtime's deserialiser produces: handlers may call array() on it.
    kinesis.setData(ByteBuffer.wrap(record.data().asByteArray()));
    if (record.approximateArrivalTimestamp() != null) {
      kinesis.setApproximateArrivalTimestamp(Date.from(record.approximateArrivalTimestamp()));
    }
    if (record.encryptionTypeAsString() != null) {
      kinesis.setEncryptionType(record.encryptionTypeAsString());
    }
    KinesisEventRecord eventRecord = new KinesisEventRecord();
    eventRecord.setKinesis(kinesis);
    eventRecord.setEventSource(EVENT_SOURCE);
    eventRecord.setEventVersion(VERSION);
    eventRecord.setEventID(shardId + ":" + record.sequenceNumber());
    eventRecord.setEventName(EVENT_NAME);
    eventRecord.setInvokeIdentityArn(functionRoleArn);
    eventRecord.setAwsRegion(region);
    eventRecord.setEventSourceARN(streamArn);
    return eventRecord;
  }
}
