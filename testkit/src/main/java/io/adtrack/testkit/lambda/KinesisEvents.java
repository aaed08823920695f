package io.adtrack.testkit.lambda;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import java.nio.ByteBuffer;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * Builds the {@link KinesisEvent} Lambda's Kinesis event-source mapping delivers, field for field what the runtime
 * deserialises from Lambda's JSON event: from records read with GetRecords (the local pipeline, stream-fed tests),
 * or from raw payloads with generated sequence numbers (unit tests). Either way the {@code data} arrives decoded in
 * a writable heap {@link ByteBuffer}, as the runtime's deserialiser produces it: handlers may call
 * {@code array()} on it.
 */
public final class KinesisEvents {

  public static final String EVENT_SOURCE = "aws:kinesis";
  public static final String EVENT_NAME = "aws:kinesis:record";
  public static final String VERSION = "1.0";
  /** The account id the local stand-ins report in ARNs. */
  public static final String LOCAL_ACCOUNT = "000000000000";
  public static final String LOCAL_REGION = "us-east-1";

  // Real sequence numbers are 56 decimal digits; a fixed width keeps text order equal to numeric order.
  private static final String SEQUENCE_PREFIX = "4959033827149025660855969253836157109592157598";
  private static final long MAX_SEQUENCE_INDEX = 9_999_999_999L;

  private KinesisEvents() {
  }

  /**
   * Where the records of one event come from; Lambda stamps these on every record of the event.
   *
   * @param streamArn       the stream's ARN ({@code eventSourceARN})
   * @param shardId         the shard the batch was read from (the first half of {@code eventID})
   * @param region          {@code awsRegion}
   * @param functionRoleArn the function's execution role ({@code invokeIdentityArn})
   */
  public record Source(String streamArn, String shardId, String region, String functionRoleArn) {

    /** Checks that every field Lambda always fills is there. */
    public Source {
      Objects.requireNonNull(streamArn, "streamArn");
      Objects.requireNonNull(shardId, "shardId");
      Objects.requireNonNull(region, "region");
      Objects.requireNonNull(functionRoleArn, "functionRoleArn");
    }

    /** Shard 0 of stream {@code streamName} in the local account and region, read for a function "local". */
    public static Source of(String streamName) {
      return new Source("arn:aws:kinesis:" + LOCAL_REGION + ":" + LOCAL_ACCOUNT + ":stream/" + streamName,
          "shardId-000000000000", LOCAL_REGION, KinesisEvents.functionRoleArn("local"));
    }

    public Source withShard(String otherShardId) {
      return new Source(streamArn, otherShardId, region, functionRoleArn);
    }
  }

  /** The execution role ARN of {@code functionName} in the local account. */
  public static String functionRoleArn(String functionName) {
    return "arn:aws:iam::" + LOCAL_ACCOUNT + ":role/" + functionName;
  }

  /** One event for a batch read with GetRecords from the shard of {@code source}. */
  public static KinesisEvent fromRecords(List<Record> records, Source source) {
    return of(records.stream().map(record -> fromRecord(record, source)).toList());
  }

  /** One record read with GetRecords, as it stands in Lambda's event. */
  public static KinesisEventRecord fromRecord(Record record, Source source) {
    Date arrival = record.approximateArrivalTimestamp() == null
        ? null : Date.from(record.approximateArrivalTimestamp());
    return eventRecord(source, record.partitionKey(), record.sequenceNumber(),
        ByteBuffer.wrap(record.data().asByteArray()), arrival, record.encryptionTypeAsString());
  }

  /**
   * The record of {@code data} at position {@code index} of the shard, for a test without a stream: its sequence
   * number is {@link #sequenceNumber(long) sequenceNumber(index)}, it arrived now.
   */
  public static KinesisEventRecord record(Source source, long index, String partitionKey, byte[] data) {
    return eventRecord(source, partitionKey, sequenceNumber(index), ByteBuffer.wrap(data), new Date(), null);
  }

  /** The event of the given records, in order. */
  public static KinesisEvent of(List<KinesisEventRecord> records) {
    KinesisEvent event = new KinesisEvent();
    event.setRecords(records);
    return event;
  }

  /**
   * A Kinesis-like sequence number for position {@code index} (0 to 9,999,999,999) of a shard: 56 decimal digits,
   * increasing with the index in text and in numeric order.
   */
  public static String sequenceNumber(long index) {
    if (index < 0 || index > MAX_SEQUENCE_INDEX) {
      throw new IllegalArgumentException("index must be 0.." + MAX_SEQUENCE_INDEX + ": " + index);
    }
    return String.format("%s%010d", SEQUENCE_PREFIX, index);
  }

  /** The sequence number of a record, the identifier of a batch item failure. */
  public static String sequenceNumberOf(KinesisEventRecord record) {
    return record.getKinesis().getSequenceNumber();
  }

  private static KinesisEventRecord eventRecord(Source source, String partitionKey, String sequenceNumber,
      ByteBuffer data, Date arrival, String encryptionType) {
    KinesisEvent.Record kinesis = new KinesisEvent.Record();
    kinesis.setKinesisSchemaVersion(VERSION);
    kinesis.setPartitionKey(partitionKey);
    kinesis.setSequenceNumber(sequenceNumber);
    kinesis.setData(data);
    if (arrival != null) {
      kinesis.setApproximateArrivalTimestamp(arrival);
    }
    if (encryptionType != null) {
      kinesis.setEncryptionType(encryptionType);
    }
    KinesisEventRecord eventRecord = new KinesisEventRecord();
    eventRecord.setKinesis(kinesis);
    eventRecord.setEventSource(EVENT_SOURCE);
    eventRecord.setEventVersion(VERSION);
    eventRecord.setEventID(source.shardId() + ":" + sequenceNumber);
    eventRecord.setEventName(EVENT_NAME);
    eventRecord.setInvokeIdentityArn(source.functionRoleArn());
    eventRecord.setAwsRegion(source.region());
    eventRecord.setEventSourceARN(source.streamArn());
    return eventRecord;
  }
}
