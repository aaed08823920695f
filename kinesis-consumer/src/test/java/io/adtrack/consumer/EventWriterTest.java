package io.adtrack.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import io.adtrack.proto.TrackingEvent;
import io.adtrack.testkit.lambda.KinesisEvents;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The writer's retry, failure and duplicate handling, with DynamoDB Local behind a misbehaving decorator. */
class EventWriterTest {

  /** Short enough to keep tests quick, long enough for several backoff rounds. */
  private static final Duration SHORT_BUDGET = Duration.ofMillis(1_500);
  private static final Duration AMPLE_BUDGET = Duration.ofSeconds(30);

  @RegisterExtension
  static final DynamoDbLocalExtension DYNAMODB_LOCAL = new DynamoDbLocalExtension();

  private final DynamoDbClient dynamoDb = DYNAMODB_LOCAL.client();

  private String table;
  private UnreliableDynamoDb unreliable;
  private EventWriter writer;

  @BeforeEach
  void createTableAndWriter() {
    table = TestTables.create(dynamoDb);
    unreliable = new UnreliableDynamoDb(dynamoDb);
    writer = new EventWriter(unreliable, table, new EventItemMapper(90), 4);
  }

  @AfterEach
  void closeWriter() {
    writer.close();
  }

  private static List<String> sequenceNumbers(List<KinesisEventRecord> records) {
    return records.stream().map(KinesisEvents::sequenceNumberOf).toList();
  }

  private static List<String> messageIds(List<KinesisEventRecord> records) {
    return records.stream().map(TestRecords::messageIdOf).toList();
  }

  private Set<String> storedMessageIds() {
    return TestTables.itemsById(dynamoDb, table).keySet();
  }

  @Test
  void shouldRetryUnprocessedItems_untilEveryItemIsWritten() {
    List<KinesisEventRecord> records = TestRecords.records(100, "p-unprocessed-once");
    Set<String> withheld = Set.copyOf(messageIds(records.subList(10, 40)));
    unreliable.withholdingOnce(withheld::contains);

    WriteOutcome outcome = writer.write(records, Deadline.after(AMPLE_BUDGET));

    assertThat(outcome.failedSequenceNumbers()).isEmpty();
    assertThat(outcome.recordsWritten()).isEqualTo(100);
    assertThat(storedMessageIds()).containsExactlyInAnyOrderElementsOf(messageIds(records));
    assertThat(unreliable.batchWriteCalls()).as("4 chunks plus the retries of the withheld items")
        .isGreaterThan(4);
  }

  @Test
  void shouldReportTheSequenceNumbersOfItemsStillUnprocessedAtTheDeadline_andARetryOfThoseCompletesTheSet() {
    List<KinesisEventRecord> records = TestRecords.records(80, "p-unprocessed-always");
    List<KinesisEventRecord> stuck = List.of(records.get(3), records.get(30), records.get(31), records.get(79));
    Set<String> stuckIds = Set.copyOf(messageIds(stuck));
    unreliable.withholdingAlways(stuckIds::contains);

    WriteOutcome outcome = writer.write(records, Deadline.after(SHORT_BUDGET));

    assertThat(outcome.failedSequenceNumbers()).containsExactlyInAnyOrderElementsOf(sequenceNumbers(stuck));
    assertThat(outcome.recordsWritten()).isEqualTo(76);
    assertThat(storedMessageIds()).hasSize(76).doesNotContainAnyElementsOf(stuckIds);
    unreliable.healed();
    Set<String> failed = Set.copyOf(outcome.failedSequenceNumbers());
    List<KinesisEventRecord> redelivered = records.stream()
        .filter(record -> failed.contains(KinesisEvents.sequenceNumberOf(record)))
        .toList();

    WriteOutcome retry = writer.write(redelivered, Deadline.after(AMPLE_BUDGET));

    assertThat(retry.failedSequenceNumbers()).isEmpty();
    assertThat(storedMessageIds()).containsExactlyInAnyOrderElementsOf(messageIds(records));
  }

  @Test
  void shouldFailOnlyTheRecordsOfACallThatKeepsFailing_andWriteTheOtherBatches() {
    List<KinesisEventRecord> records = TestRecords.records(75, "p-503");
    // Chunks follow record order: records 25..49 travel together with record 30.
    String poisoned = TestRecords.messageIdOf(records.get(30));
    unreliable.failingCallsContaining(poisoned::equals);

    WriteOutcome outcome = writer.write(records, Deadline.after(SHORT_BUDGET));

    assertThat(outcome.failedSequenceNumbers())
        .containsExactlyInAnyOrderElementsOf(sequenceNumbers(records.subList(25, 50)));
    assertThat(storedMessageIds()).containsExactlyInAnyOrderElementsOf(
        Stream.concat(messageIds(records.subList(0, 25)).stream(), messageIds(records.subList(50, 75)).stream())
            .toList());
    assertThat(unreliable.batchWriteCalls()).as("the failing call was retried").isGreaterThan(4);
  }

  @Test
  void shouldCollapseDuplicateMessageIdsOfOneBatch_intoOneItemCarryingTheLatestRecord() {
    List<KinesisEventRecord> records = new ArrayList<>(TestRecords.records(30, "p-duplicates"));
    TrackingEvent original = decode(records.get(2));
    TrackingEvent redelivered = original.toBuilder().setUserAgent("later copy").build();
    records.add(4, TestRecords.record(original, 100));
    records.add(6, TestRecords.record(redelivered, 101));
    records.add(TestRecords.record(decode(records.get(20)), 102));

    WriteOutcome outcome = writer.write(records, Deadline.after(AMPLE_BUDGET));

    assertThat(outcome.failedSequenceNumbers()).isEmpty();
    assertThat(outcome.recordsWritten()).isEqualTo(33);
    assertThat(outcome.itemsWritten()).isEqualTo(30);
    Map<String, Map<String, AttributeValue>> items = TestTables.itemsById(dynamoDb, table);
    assertThat(items).hasSize(30);
    assertThat(items.get(original.getMessageId()).get("userAgent").s()).isEqualTo("later copy");
  }

  @Test
  void shouldReportEveryRecordCarryingACollapsedItem_whenThatItemCannotBeWritten() {
    List<KinesisEventRecord> records = new ArrayList<>(TestRecords.records(10, "p-collapsed-failure"));
    TrackingEvent duplicated = decode(records.get(5));
    records.add(TestRecords.record(duplicated, 200));
    records.add(TestRecords.record(duplicated, 201));
    unreliable.withholdingAlways(duplicated.getMessageId()::equals);

    WriteOutcome outcome = writer.write(records, Deadline.after(SHORT_BUDGET));

    assertThat(outcome.failedSequenceNumbers()).containsExactlyInAnyOrder(
        KinesisEvents.sequenceNumber(5), KinesisEvents.sequenceNumber(200), KinesisEvents.sequenceNumber(201));
    assertThat(storedMessageIds()).hasSize(9);
  }

  @Test
  void shouldCountAndSkipRecordsThatAreNotTrackingEvents_withoutReportingThem() {
    List<KinesisEventRecord> records = new ArrayList<>(TestRecords.records(4, "p-poison"));
    records.add(1, TestRecords.record("{\"json\":true}".getBytes(StandardCharsets.UTF_8), "json", 300));
    records.add(3, TestRecords.record(TestRecords.event("p-poison").toBuilder().clearMessageId().build(), 301));
    records.add(TestRecords.record(new byte[0], "empty", 302));

    WriteOutcome outcome = writer.write(records, Deadline.after(AMPLE_BUDGET));
    WriteOutcome again = writer.write(records.subList(1, 2), Deadline.after(AMPLE_BUDGET));

    assertThat(outcome.poison()).isEqualTo(3);
    assertThat(outcome.failedSequenceNumbers()).isEmpty();
    assertThat(again.poison()).isEqualTo(1);
    assertThat(writer.poisonRecordCount()).isEqualTo(4);
    assertThat(storedMessageIds()).hasSize(4);
  }

  @Test
  void shouldFailEveryRecordWithoutCallingDynamoDb_whenTheDeadlineHasAlreadyPassed() {
    List<KinesisEventRecord> records = TestRecords.records(30, "p-late");

    WriteOutcome outcome = writer.write(records, Deadline.after(Duration.ofMillis(-1)));

    assertThat(outcome.failedSequenceNumbers()).containsExactlyElementsOf(sequenceNumbers(records));
    assertThat(unreliable.batchWriteCalls()).isZero();
  }

  @Test
  void shouldWriteTheSameItemsSequentially_whenConcurrencyIsOne() {
    List<KinesisEventRecord> records = TestRecords.records(60, "p-sequential");
    try (EventWriter sequential = new EventWriter(unreliable, table, new EventItemMapper(90), 1)) {

      WriteOutcome outcome = sequential.write(records, Deadline.after(AMPLE_BUDGET));

      assertThat(outcome.failedSequenceNumbers()).isEmpty();
      assertThat(unreliable.batchWriteCalls()).isEqualTo(3);
      assertThat(storedMessageIds()).containsExactlyInAnyOrderElementsOf(messageIds(records));
    }
  }

  private static TrackingEvent decode(KinesisEventRecord record) {
    try {
      return RecordDecoder.decode(record);
    } catch (RecordDecoder.PoisonRecordException e) {
      throw new AssertionError(e);
    }
  }
}
