package io.adtrack.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import io.adtrack.conventions.Environment;
import io.adtrack.testkit.SystemProperties;
import io.adtrack.testkit.lambda.KinesisEvents;
import io.adtrack.testkit.lambda.LocalLambdaContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The handler as Lambda calls it, with Kinesis events as Lambda delivers them, against DynamoDB Local. */
class KinesisConsumerHandlerTest {

  private static final String FIXTURE = "kinesis/tracking-events.json";
  private static final String FIXTURE_WITH_POISON = "kinesis/tracking-events-with-poison.json";
  /**
   * The fixtures' events are from January 2026; with the default 90 days DynamoDB Local's TTL sweeper would delete
   * them (already expired) while a test reads. Ten years keeps them.
   */
  private static final int RETENTION_DAYS = 3_650;
  private static final long RETENTION_SECONDS = RETENTION_DAYS * 86_400L;

  @RegisterExtension
  static final DynamoDbLocalExtension DYNAMODB_LOCAL = new DynamoDbLocalExtension();

  private final DynamoDbClient dynamoDb = DYNAMODB_LOCAL.client();

  /**
   * A handler configured the way the Lambda is, through its environment, writing to {@code table}; the SDK finds
   * DynamoDB Local through the system-property twin of AWS_ENDPOINT_URL_DYNAMODB.
   */
  private static KinesisConsumerHandler handlerFor(String table) {
    ConsumerConfig config = ConsumerConfig.fromEnvironment(Environment.of(Map.of(
        "EVENT_TABLE", table,
        "RETENTION_DAYS", Integer.toString(RETENTION_DAYS))));
    return SystemProperties.during(Map.of(SystemProperties.DYNAMODB_ENDPOINT, DYNAMODB_LOCAL.endpoint().toString()),
        () -> new KinesisConsumerHandler(config));
  }

  /** Invokes a handler writing to a new table with {@code event}, which must report no failure; returns the table. */
  private String writtenWithoutFailures(KinesisEvent event) {
    String table = TestTables.create(dynamoDb);
    assertThat(invoke(handlerFor(table), event).getBatchItemFailures()).isEmpty();
    return table;
  }

  private static StreamsEventResponse invoke(KinesisConsumerHandler handler, KinesisEvent event) {
    return handler.handleRequest(event, new LocalLambdaContext("kinesis-consumer", Duration.ofSeconds(30)));
  }

  private static List<String> failedSequenceNumbers(StreamsEventResponse response) {
    return response.getBatchItemFailures().stream().map(BatchItemFailure::getItemIdentifier).toList();
  }

  @ParameterizedTest
  @Event(value = FIXTURE, type = KinesisEvent.class)
  void shouldWriteOneItemPerRecord_withEveryFieldAndAnExpiry(KinesisEvent event) {
    String table = writtenWithoutFailures(event);

    Map<String, Map<String, AttributeValue>> items = TestTables.itemsById(dynamoDb, table);
    assertThat(items).hasSize(event.getRecords().size());
    assertThat(items.get("0b6f7c52-3f1e-4c1a-9d3e-2a7d5f0c9e01")).containsOnly(
        entry("messageId", AttributeValue.fromS("0b6f7c52-3f1e-4c1a-9d3e-2a7d5f0c9e01")),
        entry("type", AttributeValue.fromS("EVENT")),
        entry("programId", AttributeValue.fromS("212313")),
        entry("programName", AttributeValue.fromS("program2")),
        entry("customerId", AttributeValue.fromN("9124")),
        entry("customerName", AttributeValue.fromS("Customer2")),
        entry("userAgent", AttributeValue.fromS("Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0")),
        entry("referer", AttributeValue.fromS("https://publisher.example/article")),
        entry("clientIp", AttributeValue.fromS("203.0.113.7")),
        entry("receivedAt", AttributeValue.fromN("1767225600123")),
        entry("programVersion", AttributeValue.fromN("7")),
        entry("params", AttributeValue.fromM(Map.of(
            "campaign", AttributeValue.fromS("winter"), "slot", AttributeValue.fromS("top")))),
        entry("expiresAt", AttributeValue.fromN(Long.toString(1_767_225_600L + RETENTION_SECONDS))));
    assertThat(items.get("0b6f7c52-3f1e-4c1a-9d3e-2a7d5f0c9e02"))
        .containsEntry("type", AttributeValue.fromS("IMPRESSION"))
        .containsEntry("userAgent", AttributeValue.fromS("curl/8.5.0"))
        .doesNotContainKeys("customerId", "customerName", "referer", "params");
    assertThat(items.get("0b6f7c52-3f1e-4c1a-9d3e-2a7d5f0c9e03"))
        .containsEntry("type", AttributeValue.fromS("CLICK"))
        .containsEntry("customerId", AttributeValue.fromN("0"))
        .containsEntry("clientIp", AttributeValue.fromS("2001:db8::1"))
        .containsEntry("params", AttributeValue.fromM(Map.of("placement", AttributeValue.fromS("sidebar"))));
    assertThat(items.values()).allSatisfy(item -> assertThat(Long.parseLong(item.get("expiresAt").n()))
        .isEqualTo(Long.parseLong(item.get("receivedAt").n()) / 1000 + RETENTION_SECONDS));
  }

  @ParameterizedTest
  @Event(value = FIXTURE, type = KinesisEvent.class)
  void shouldListAProgramsEventsByTime_throughTheByProgramIndex(KinesisEvent event) {
    String table = writtenWithoutFailures(event);

    // A global secondary index is eventually consistent in DynamoDB: poll rather than read once.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(byProgram(table, "212313")).containsExactly(
        "0b6f7c52-3f1e-4c1a-9d3e-2a7d5f0c9e01",
        "0b6f7c52-3f1e-4c1a-9d3e-2a7d5f0c9e02",
        "0b6f7c52-3f1e-4c1a-9d3e-2a7d5f0c9e04"));
  }

  /** The messageIds of a program's events on 2026-01-01 00:00-00:01 UTC, oldest first, read from the index. */
  private List<String> byProgram(String table, String programId) {
    return dynamoDb.query(b -> b.tableName(table).indexName("byProgram")
            .keyConditionExpression("programId = :p AND receivedAt BETWEEN :from AND :to")
            .expressionAttributeValues(Map.of(
                ":p", AttributeValue.fromS(programId),
                ":from", AttributeValue.fromN("1767225600000"),
                ":to", AttributeValue.fromN("1767225699999"))))
        .items().stream().map(item -> item.get("messageId").s()).toList();
  }

  @Test
  void shouldLeaveOneUnchangedItemPerMessageId_whenTheSameBatchIsDeliveredTwice() {
    String table = TestTables.create(dynamoDb);
    KinesisConsumerHandler handler = handlerFor(table);
    invoke(handler, EventLoader.loadKinesisEvent(FIXTURE));
    Map<String, Map<String, AttributeValue>> afterFirstDelivery = TestTables.itemsById(dynamoDb, table);

    StreamsEventResponse redelivery = invoke(handler, EventLoader.loadKinesisEvent(FIXTURE));

    assertThat(redelivery.getBatchItemFailures()).isEmpty();
    assertThat(afterFirstDelivery).hasSize(5);
    assertThat(TestTables.itemsById(dynamoDb, table)).isEqualTo(afterFirstDelivery);
  }

  @ParameterizedTest
  @Event(value = FIXTURE_WITH_POISON, type = KinesisEvent.class)
  void shouldWriteTheOthers_countAndNotReportPoisonRecords_inTheMiddleOfABatch(KinesisEvent event) {
    String table = TestTables.create(dynamoDb);
    try (EventWriter writer = new EventWriter(dynamoDb, table, new EventItemMapper(RETENTION_DAYS), 4)) {
      KinesisConsumerHandler handler = new KinesisConsumerHandler(writer);

      StreamsEventResponse response = invoke(handler, event);

      assertThat(response.getBatchItemFailures()).isEmpty();
      assertThat(TestTables.itemsById(dynamoDb, table)).containsOnlyKeys(
          "9a41d0e6-7c55-4b8e-8f0e-5d1f0a6b7c01",
          "9a41d0e6-7c55-4b8e-8f0e-5d1f0a6b7c02",
          "9a41d0e6-7c55-4b8e-8f0e-5d1f0a6b7c04");
      assertThat(writer.poisonRecordCount()).isEqualTo(2);
    }
  }

  @Test
  void shouldReportEveryRecord_whenTheTableDoesNotExistYet_andARetryOfThoseCompletesTheSet() {
    String table = TestTables.uniqueName();
    KinesisConsumerHandler handler = handlerFor(table);
    List<KinesisEventRecord> records = TestRecords.records(60, "p-missing-table");

    StreamsEventResponse whileMissing = invoke(handler, KinesisEvents.of(records));

    assertThat(failedSequenceNumbers(whileMissing))
        .containsExactlyInAnyOrderElementsOf(records.stream().map(KinesisEvents::sequenceNumberOf).toList());
    EventTable.create(dynamoDb, table);
    Set<String> failed = Set.copyOf(failedSequenceNumbers(whileMissing));
    List<KinesisEventRecord> redelivered = records.stream()
        .filter(record -> failed.contains(KinesisEvents.sequenceNumberOf(record)))
        .toList();

    StreamsEventResponse retry = invoke(handler, KinesisEvents.of(redelivered));

    assertThat(retry.getBatchItemFailures()).isEmpty();
    assertThat(TestTables.itemsById(dynamoDb, table).keySet())
        .containsExactlyInAnyOrderElementsOf(records.stream().map(TestRecords::messageIdOf).toList());
  }

  @Test
  void shouldWriteOneThousandRecordsOfOneInvocation_inAtMostFortyBatchWriteItemCalls() {
    String table = TestTables.create(dynamoDb);
    AtomicInteger batchWriteCalls = new AtomicInteger();
    ExecutionInterceptor countBatchWrites = new ExecutionInterceptor() {
      @Override
      public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if ("BatchWriteItem".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
          batchWriteCalls.incrementAndGet();
        }
      }
    };
    List<KinesisEventRecord> records = TestRecords.records(1_000, "p-thousand");
    try (DynamoDbClient counted = DynamoDbClient.builder()
            .endpointOverride(DYNAMODB_LOCAL.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
            .httpClientBuilder(ApacheHttpClient.builder())
            .overrideConfiguration(o -> o.addExecutionInterceptor(countBatchWrites))
            .build();
        EventWriter writer = new EventWriter(counted, table, new EventItemMapper(90), 4)) {

      StreamsEventResponse response = invoke(new KinesisConsumerHandler(writer), KinesisEvents.of(records));

      assertThat(response.getBatchItemFailures()).isEmpty();
      assertThat(TestTables.itemsById(dynamoDb, table)).hasSize(1_000);
      assertThat(batchWriteCalls.get()).isPositive().isLessThanOrEqualTo(40);
    }
  }
}
