package io.adtrack.updater;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Kinesis records and core-data documents as the tests need them. */
final class TestRecords {

  private TestRecords() {
  }

  /** A program id of its own for one test, so tests can share a Redis and run in any order. */
  static String uniqueId(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A full upsert document with every field. */
  static String upsert(String programId, long version, String programName) {
    return "{\"programId\":\"" + programId + "\",\"programName\":\"" + programName + "\",\"customerId\":9124,"
        + "\"customerName\":\"Customer2\",\"checksum\":\"124\",\"validFrom\":\"2026-01-01T00:00:00Z\","
        + "\"validUntil\":\"2030-01-01T00:00:00Z\",\"landingUrl\":\"https://advertiser.example/offer\","
        + "\"version\":" + version + "}";
  }

  static String deletion(String programId, long version) {
    return "{\"programId\":\"" + programId + "\",\"version\":" + version + ",\"deleted\":true}";
  }

  /** A record as Lambda's Kinesis event source hands it over. */
  static KinesisEventRecord record(String sequenceNumber, String partitionKey, String json) {
    KinesisEvent.Record kinesis = new KinesisEvent.Record();
    kinesis.setSequenceNumber(sequenceNumber);
    kinesis.setPartitionKey(partitionKey);
    kinesis.setData(ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)));
    kinesis.setKinesisSchemaVersion("1.0");
    KinesisEventRecord record = new KinesisEventRecord();
    record.setKinesis(kinesis);
    record.setEventSource("aws:kinesis");
    record.setEventName("aws:kinesis:record");
    record.setEventID("shardId-000000000000:" + sequenceNumber);
    return record;
  }

  /** Records for the documents, with increasing sequence numbers. */
  static List<KinesisEventRecord> records(List<String> documents) {
    List<KinesisEventRecord> records = new ArrayList<>();
    for (int i = 0; i < documents.size(); i++) {
      String sequenceNumber = String.format("4959%020d", i + 1);
      records.add(record(sequenceNumber, "pk", documents.get(i)));
    }
    return records;
  }

  static List<String> sequenceNumbers(List<KinesisEventRecord> records) {
    return records.stream().map(r -> r.getKinesis().getSequenceNumber()).toList();
  }

  static KinesisEvent event(List<KinesisEventRecord> records) {
    KinesisEvent event = new KinesisEvent();
    event.setRecords(records);
    return event;
  }
}
