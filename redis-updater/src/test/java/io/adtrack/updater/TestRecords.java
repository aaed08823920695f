package io.adtrack.updater;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import io.adtrack.testkit.lambda.KinesisEvents;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Kinesis records and core-data documents as the tests need them. */
final class TestRecords {

  /** The stream the updater reads; only its name shows, in each record's eventSourceARN. */
  static final KinesisEvents.Source SOURCE = KinesisEvents.Source.of("core-data-updates");

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

  /** Records for the documents, as Lambda's Kinesis event source hands them over, sequence numbers in order. */
  static List<KinesisEventRecord> records(List<String> documents) {
    List<KinesisEventRecord> records = new ArrayList<>();
    for (int i = 0; i < documents.size(); i++) {
      records.add(KinesisEvents.record(SOURCE, i + 1, "pk", documents.get(i).getBytes(StandardCharsets.UTF_8)));
    }
    return records;
  }

  static List<String> sequenceNumbers(List<KinesisEventRecord> records) {
    return records.stream().map(KinesisEvents::sequenceNumberOf).toList();
  }
}
