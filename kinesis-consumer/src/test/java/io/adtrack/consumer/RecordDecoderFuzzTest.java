package io.adtrack.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.adtrack.proto.TrackingEvent;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Any record on tracking-events, written by the consumer's own writer to DynamoDB Local: it becomes exactly one
 * stored item, or a poison record that is counted and passed. Never a record reported back as failed: Lambda would
 * redeliver a record DynamoDB refuses for ever, blocking its shard. Inputs are raw bytes, or TrackingEvents built
 * from the fuzzer's choices (any field, any length: strings can be stretched past DynamoDB's limits).
 */
class RecordDecoderFuzzTest {

  @RegisterExtension
  static final DynamoDbLocalExtension DYNAMO_DB = new DynamoDbLocalExtension();
  private static String table;
  private static EventWriter writer;
  private static final Set<String> WRITTEN = ConcurrentHashMap.newKeySet();

  @BeforeAll
  static void createTable() {
    table = TestTables.create(DYNAMO_DB.client());
    writer = new EventWriter(DYNAMO_DB.client(), table, new EventItemMapper(90), 1);
  }

  @FuzzTest(maxExecutions = 10_000)
  void anyRecord_becomesOneItem_orACountedPoisonRecord(FuzzedDataProvider data) {
    allowDynamoDbLocal();
    byte[] bytes = data.consumeBoolean() ? event(data).toByteArray() : data.consumeRemainingAsBytes();
    KinesisEventRecord record = TestRecords.record(bytes, "partition-key", 0);
    long poisonBefore = writer.poisonRecordCount();

    WriteOutcome outcome = writer.write(List.of(record), Deadline.after(Duration.ofSeconds(20)));

    assertThat(outcome.failedSequenceNumbers()).as("records reported as failed (redelivered for ever)").isEmpty();
    if (outcome.poison() == 1) {
      assertThat(writer.poisonRecordCount()).as("poison records counted").isEqualTo(poisonBefore + 1);
      return;
    }
    assertThat(outcome.recordsWritten()).isEqualTo(1);
    assertThat(outcome.itemsWritten()).isEqualTo(1);
    WRITTEN.add(parse(bytes).getMessageId());
  }

  /** DynamoDB said it stored each one: the table holds an item for every messageId written. */
  @AfterAll
  static void everyWrittenEventIsAnItem() {
    Set<String> stored = DYNAMO_DB.client().scanPaginator(b -> b.tableName(table).consistentRead(true)
        .projectionExpression(EventTable.MESSAGE_ID)).items().stream()
        .map(item -> item.get(EventTable.MESSAGE_ID).s()).collect(Collectors.toSet());
    assertThat(stored).containsExactlyInAnyOrderElementsOf(WRITTEN);
  }

  /**
   * Jazzer treats every connection as a possible request forgery; this one goes to DynamoDB Local, on purpose. Its
   * policy is per thread, and the fuzzer may run inputs on another thread than the first: set for each input.
   */
  private static void allowDynamoDbLocal() {
    BugDetectors.allowNetworkConnections((host, port) -> "localhost".equals(host) && port == DYNAMO_DB.port());
  }

  /** A TrackingEvent of the fuzzer's making: every field optional, strings of any content and length. */
  private static TrackingEvent event(FuzzedDataProvider data) {
    TrackingEvent.Builder event = TrackingEvent.newBuilder()
        .setMessageId(string(data))
        .setProgramId(string(data))
        .setTypeValue(data.consumeInt(-1, 5))
        .setReceivedAt(data.consumeLong())
        .setProgramVersion(data.consumeLong())
        .setPrivacyValue(data.consumeInt(-1, 5));
    if (data.consumeBoolean()) {
      event.setCustomerId(data.consumeLong());
    }
    for (int i = data.consumeInt(0, 4); i > 0; i--) {
      switch (data.consumeInt(0, 4)) {
        case 0 -> event.setProgramName(string(data));
        case 1 -> event.setCustomerName(string(data));
        case 2 -> event.setUserAgent(string(data));
        case 3 -> event.setReferer(string(data));
        default -> event.setClientIp(string(data));
      }
    }
    for (int i = data.consumeInt(0, 6); i > 0; i--) {
      event.putParams(string(data), string(data));
    }
    return event.build();
  }

  /** A string of the fuzzer's, sometimes repeated up to ~100,000 characters to reach the size limits. */
  private static String string(FuzzedDataProvider data) {
    String text = data.consumeString(64);
    return data.consumeInt(0, 7) == 0 && !text.isEmpty() ? text.repeat(data.consumeInt(1, 100_000 / text.length()))
        : text;
  }

  private static TrackingEvent parse(byte[] bytes) {
    try {
      return TrackingEvent.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError("written, yet not a TrackingEvent", e);
    }
  }
}
