package io.adtrack.consumer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse.BatchItemFailure;
import io.adtrack.conventions.Environment;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * The Lambda function reading the tracking-events stream: hands each batch to the {@link EventWriter} and returns
 * the records it could not write as batch item failures (the event source mapping must set
 * {@code FunctionResponseTypes: [ReportBatchItemFailures]}).
 */
public final class KinesisConsumerHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {

  private static final Logger LOG = LoggerFactory.getLogger(KinesisConsumerHandler.class);
  /** Left of the invocation's time for answering after the last write attempt. */
  static final Duration SAFETY_MARGIN = Duration.ofMillis(1_000);
  /** The budget when there is no Lambda context (a local caller). */
  static final Duration BUDGET_WITHOUT_CONTEXT = Duration.ofSeconds(60);

  private final EventWriter writer;

  /** Lambda's entry point: configuration from the environment, client and writer built once per container. */
  public KinesisConsumerHandler() {
    this(ConsumerConfig.fromEnvironment(Environment.system()));
  }

  /** A handler writing with its own DynamoDB client, built from {@code config} and the AWS SDK's settings. */
  public KinesisConsumerHandler(ConsumerConfig config) {
    this(EventWriter.create(dynamoDbClient(config).build(), config));
  }

  /** A handler around a ready writer (tests, benchmarks). */
  public KinesisConsumerHandler(EventWriter writer) {
    this.writer = writer;
  }

  @Override
  public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
    List<KinesisEventRecord> records = event.getRecords() == null ? List.of() : event.getRecords();
    WriteOutcome outcome = writer.write(records, deadline(context));
    LOG.info("Processed {} records: {} written ({} items), {} failed, {} poison ({} poison since start)",
        outcome.records(), outcome.recordsWritten(), outcome.itemsWritten(), outcome.failed(), outcome.poison(),
        writer.poisonRecordCount());
    List<BatchItemFailure> failures = outcome.failedSequenceNumbers().stream()
        .map(BatchItemFailure::new)
        .toList();
    return new StreamsEventResponse(failures);
  }

  private static Deadline deadline(Context context) {
    if (context == null) {
      return Deadline.after(BUDGET_WITHOUT_CONTEXT);
    }
    return Deadline.after(Duration.ofMillis(context.getRemainingTimeInMillis()).minus(SAFETY_MARGIN));
  }

  /**
   * The client the function writes with, to build: the SDK resolves the region and any endpoint override itself
   * (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL, or their system properties). Apache HTTP is set
   * explicitly: several SDK HTTP clients may be on a classpath.
   */
  public static DynamoDbClientBuilder dynamoDbClient(ConsumerConfig config) {
    return DynamoDbClient.builder()
        .httpClientBuilder(ApacheHttpClient.builder().maxConnections(Math.max(10, 2 * config.writeConcurrency())));
  }
}
