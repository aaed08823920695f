package io.adtrack.consumer;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import io.adtrack.consumer.RecordDecoder.PoisonRecordException;
import io.adtrack.conventions.Backoff;
import io.adtrack.proto.TrackingEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Persists a batch of Kinesis records as tracking-event items: decodes each record, collapses duplicate messageIds,
 * writes BatchWriteItem calls of up to 25 items (several in flight at once), retries unprocessed items and transient
 * errors with the common {@link Backoff} until the deadline, and reports what is still unwritten by sequence
 * number. Records that can never be stored (poison) are logged, counted and skipped. Never throws for a write
 * failure: the caller turns the outcome into batch item failures.
 */
public final class EventWriter implements AutoCloseable {

  /** BatchWriteItem's limit on items per call. */
  public static final int MAX_BATCH_ITEMS = 25;

  private static final Logger LOG = LoggerFactory.getLogger(EventWriter.class);
  /** No call is started with less time than this left: it could not complete anyway. */
  private static final long MIN_CALL_MILLIS = 50;
  /** Between write attempts of one chunk: 50 ms, doubling up to 1 s, fully jittered. */
  private static final Backoff BACKOFF = Backoff.exponential(Duration.ofMillis(50), Duration.ofSeconds(1));

  private final DynamoDbClient dynamoDb;
  private final String tableName;
  private final EventItemMapper mapper;
  /** Null when writing sequentially; otherwise bounds the BatchWriteItem calls in flight. */
  private final ExecutorService executor;
  private final AtomicLong poisonRecords = new AtomicLong();

  /**
   * @param dynamoDb    the client to write with (not closed by this writer)
   * @param concurrency BatchWriteItem calls in flight at once; 1 writes sequentially on the caller's thread
   */
  public EventWriter(DynamoDbClient dynamoDb, String tableName, EventItemMapper mapper, int concurrency) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
    }
    this.dynamoDb = dynamoDb;
    this.tableName = tableName;
    this.mapper = mapper;
    this.executor = concurrency == 1 ? null : Executors.newFixedThreadPool(concurrency, daemonThreads());
  }

  /** A writer configured as the Lambda runs it. */
  public static EventWriter create(DynamoDbClient dynamoDb, ConsumerConfig config) {
    return new EventWriter(dynamoDb, config.tableName(), new EventItemMapper(config.retentionDays()),
        config.writeConcurrency());
  }

  /** Poison records skipped since this writer was built (a Lambda execution environment's lifetime). */
  public long poisonRecordCount() {
    return poisonRecords.get();
  }

  /** Writes the records' events, retrying until {@code deadline}; see the class comment. */
  public WriteOutcome write(List<KinesisEventRecord> records, Deadline deadline) {
    Map<String, PendingItem> items = new LinkedHashMap<>();
    int poison = 0;
    for (KinesisEventRecord record : records) {
      String sequenceNumber = RecordDecoder.sequenceNumber(record);
      TrackingEvent event;
      try {
        event = RecordDecoder.decode(record);
      } catch (PoisonRecordException e) {
        // Retrying cannot help, and reporting it would block the shard: skip it, visibly.
        poison++;
        LOG.warn("Skipping poison record {}: {}", sequenceNumber, e.getMessage());
        continue;
      }
      items.merge(event.getMessageId(), new PendingItem(mapper.toItem(event), sequenceNumber),
          PendingItem::absorb);
    }
    poisonRecords.addAndGet(poison);

    List<ChunkResult> results = writeInChunks(new ArrayList<>(items.values()), deadline);
    List<String> failedSequenceNumbers = new ArrayList<>();
    int failedItems = 0;
    ChunkResult example = null;
    for (ChunkResult result : results) {
      for (PendingItem item : result.failed()) {
        failedSequenceNumbers.addAll(item.sequenceNumbers);
        failedItems++;
        example = result;
      }
    }
    int recordsWritten = records.size() - poison - failedSequenceNumbers.size();
    if (example != null) {
      // One line per invocation, with one chunk's reason as the example: chunks usually fail for the same reason.
      LOG.warn("Could not write {} items ({} records) in time, reporting them as batch item failures: {}",
          failedItems, failedSequenceNumbers.size(), example.reason(), example.error());
    }
    return new WriteOutcome(records.size(), recordsWritten, items.size() - failedItems, poison,
        failedSequenceNumbers);
  }

  private List<ChunkResult> writeInChunks(List<PendingItem> items, Deadline deadline) {
    List<List<PendingItem>> chunks = new ArrayList<>();
    for (int from = 0; from < items.size(); from += MAX_BATCH_ITEMS) {
      chunks.add(items.subList(from, Math.min(items.size(), from + MAX_BATCH_ITEMS)));
    }
    if (executor == null || chunks.size() == 1) {
      return chunks.stream().map(chunk -> writeChunk(chunk, deadline)).toList();
    }
    List<CompletableFuture<ChunkResult>> inFlight = chunks.stream()
        .map(chunk -> CompletableFuture.supplyAsync(() -> writeChunk(chunk, deadline), executor))
        .toList();
    return inFlight.stream().map(CompletableFuture::join).toList();
  }

  /** Writes one chunk of at most 25 distinct items; returns those still unwritten at the deadline. */
  private ChunkResult writeChunk(List<PendingItem> chunk, Deadline deadline) {
    Map<String, PendingItem> pending = new LinkedHashMap<>();
    chunk.forEach(item -> pending.put(item.messageId(), item));
    String reason = "no time left";
    SdkException lastError = null;
    try {
      for (int attempt = 1; ; attempt++) {
        long remaining = deadline.remainingMillis();
        if (remaining < MIN_CALL_MILLIS) {
          return ChunkResult.failed(pending, reason, lastError);
        }
        try {
          BatchWriteItemResponse response = dynamoDb.batchWriteItem(request(pending, remaining));
          List<WriteRequest> unprocessed = response.unprocessedItems().getOrDefault(tableName, List.of());
          pending.keySet().retainAll(messageIds(unprocessed));
          if (pending.isEmpty()) {
            return ChunkResult.DONE;
          }
          reason = pending.size() + " items still unprocessed after " + attempt + " attempts";
          lastError = null;
        } catch (SdkException e) {
          reason = e.getClass().getSimpleName() + " on attempt " + attempt;
          lastError = e;
          if (!isTransient(e)) {
            return ChunkResult.failed(pending, reason, lastError);
          }
        }
        long pause = BACKOFF.delay(attempt).toMillis();
        if (deadline.remainingMillis() - pause < MIN_CALL_MILLIS) {
          return ChunkResult.failed(pending, reason, lastError);
        }
        Thread.sleep(pause);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ChunkResult.failed(pending, "interrupted", e);
    } catch (RuntimeException e) {
      // A bug must not turn into a thrown invocation that makes Lambda redo the whole batch: fail these records.
      return ChunkResult.failed(pending, "unexpected " + e.getClass().getName(), e);
    }
  }

  private BatchWriteItemRequest request(Map<String, PendingItem> pending, long remainingMillis) {
    List<WriteRequest> writes = pending.values().stream().map(PendingItem::request).toList();
    return BatchWriteItemRequest.builder()
        .requestItems(Map.of(tableName, writes))
        // The SDK's own retries must not run past the invocation's deadline either.
        .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofMillis(remainingMillis)))
        .build();
  }

  private static Set<String> messageIds(List<WriteRequest> writes) {
    Set<String> ids = new HashSet<>();
    for (WriteRequest write : writes) {
      ids.add(write.putRequest().item().get(EventTable.MESSAGE_ID).s());
    }
    return ids;
  }

  /** Throttling, 5xx and connection problems may pass; a missing table or a rejected request will not. */
  private static boolean isTransient(SdkException e) {
    if (e instanceof AwsServiceException service) {
      return service.isThrottlingException() || service.statusCode() >= 500;
    }
    return e instanceof SdkClientException;
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, "dynamodb-writer-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public void close() {
    if (executor != null) {
      executor.shutdown();
    }
  }

  /** One distinct item and every record that carried it (a failure is reported for each of them). */
  private static final class PendingItem {
    private WriteRequest request;
    private final List<String> sequenceNumbers = new ArrayList<>(1);

    PendingItem(Map<String, AttributeValue> item, String sequenceNumber) {
      this.request = WriteRequest.builder().putRequest(put -> put.item(item)).build();
      this.sequenceNumbers.add(sequenceNumber);
    }

    /** The later record's item wins, as it would had the records been written one after the other. */
    PendingItem absorb(PendingItem later) {
      request = later.request;
      sequenceNumbers.addAll(later.sequenceNumbers);
      return this;
    }

    WriteRequest request() {
      return request;
    }

    String messageId() {
      return request.putRequest().item().get(EventTable.MESSAGE_ID).s();
    }
  }

  /** A chunk's unwritten items, why, and the last error if one was thrown. */
  private record ChunkResult(List<PendingItem> failed, String reason, Throwable error) {
    static final ChunkResult DONE = new ChunkResult(List.of(), "", null);

    static ChunkResult failed(Map<String, PendingItem> pending, String reason, Throwable error) {
      return new ChunkResult(List.copyOf(pending.values()), reason, error);
    }
  }
}
