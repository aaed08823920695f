package io.adtrack.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse.BatchItemFailure;
import io.adtrack.conventions.Backoff;
import io.adtrack.testkit.lambda.KinesisEvents;
import io.adtrack.testkit.lambda.LocalLambdaContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Feeds a Lambda handler from a Kinesis stream the way Lambda's event-source mapping does, for the local pipeline:
 * ListShards, GetShardIterator (the starting position for a shard without checkpoint), then GetRecords of up to
 * {@code batchSize} records per shard, each shard polled about once per {@code pollInterval} and immediately again
 * while records keep coming. Each batch becomes one {@link KinesisEvent}, built as Lambda delivers it; after each
 * invocation the shard is checkpointed. Reported batch item failures ({@code ReportBatchItemFailures}) make the
 * poller checkpoint just before the lowest failed sequence number and redeliver from there after a backoff; a
 * thrown exception (a function error) redelivers the whole batch. One thread per stream polls all its shards.
 */
public final class EventSourcePoller implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventSourcePoller.class);

  /**
   * How the mapping behaves. {@link #lambdaDefaults(String)} gives Lambda's defaults for a Kinesis source.
   *
   * @param functionName      name in logs and in the invocation context
   * @param batchSize         records per invocation at most (GetRecords limit)
   * @param pollInterval      how long a shard rests after a poll that found nothing
   * @param functionTimeout   the invocation's budget, counted down by {@code getRemainingTimeInMillis()}
   * @param backoff           the wait before a redelivery of a failed batch, or a new read of a failing shard, by
   *                          attempts so far
   * @param maxRetryAttempts  redeliveries before a failing batch is skipped; -1 = until the records expire
   * @param startingPosition  where a shard without checkpoint starts (TRIM_HORIZON or LATEST)
   */
  public record Settings(
      String functionName,
      int batchSize,
      Duration pollInterval,
      Duration functionTimeout,
      Backoff backoff,
      int maxRetryAttempts,
      ShardIteratorType startingPosition) {

    /** Checks the ranges Lambda itself enforces. */
    public Settings {
      Objects.requireNonNull(functionName, "functionName");
      if (batchSize < 1 || batchSize > 10_000) {
        throw new IllegalArgumentException("batchSize must be 1..10000 (Kinesis GetRecords limit)");
      }
      if (maxRetryAttempts < -1) {
        throw new IllegalArgumentException("maxRetryAttempts must be -1 (unlimited) or >= 0");
      }
      if (startingPosition != ShardIteratorType.TRIM_HORIZON && startingPosition != ShardIteratorType.LATEST) {
        throw new IllegalArgumentException("startingPosition must be TRIM_HORIZON or LATEST");
      }
    }

    /**
     * Lambda's defaults: batch 100, each shard polled once a second, unlimited retries, from TRIM_HORIZON; failed
     * batches redelivered after 0.5 s doubling up to 30 s.
     */
    public static Settings lambdaDefaults(String functionName) {
      return new Settings(functionName, 100, Duration.ofSeconds(1), Duration.ofSeconds(60),
          Backoff.exponential(Duration.ofMillis(500), Duration.ofSeconds(30)), -1, ShardIteratorType.TRIM_HORIZON);
    }

    public Settings withPollInterval(Duration interval) {
      return new Settings(functionName, batchSize, interval, functionTimeout, backoff, maxRetryAttempts,
          startingPosition);
    }

    public Settings withBackoff(Backoff redelivery) {
      return new Settings(functionName, batchSize, pollInterval, functionTimeout, redelivery, maxRetryAttempts,
          startingPosition);
    }

    public Settings withMaxRetryAttempts(int attempts) {
      return new Settings(functionName, batchSize, pollInterval, functionTimeout, backoff, attempts,
          startingPosition);
    }
  }

  /**
   * Counters since start.
   *
   * @param polls             GetRecords calls
   * @param invocations       handler calls
   * @param recordsDelivered  records handed to the handler, redeliveries included
   * @param recordsCompleted  records behind a checkpoint after a successful (part of an) invocation
   * @param batchItemFailures batch item failures the handler reported
   * @param handlerErrors     invocations that threw
   * @param retries           redeliveries scheduled
   * @param recordsSkipped    records given up after {@code maxRetryAttempts}
   */
  public record Stats(long polls, long invocations, long recordsDelivered, long recordsCompleted,
      long batchItemFailures, long handlerErrors, long retries, long recordsSkipped) {
  }

  private final KinesisClient kinesis;
  private final String streamName;
  private final String streamArn;
  private final String region;
  private final RequestHandler<KinesisEvent, StreamsEventResponse> handler;
  private final Settings settings;
  /** {@code System.nanoTime()}, unless a test drives the time. */
  private final LongSupplier clock;
  private final Map<String, ShardCursor> shards = new LinkedHashMap<>();
  private final Map<String, String> checkpoints = new ConcurrentHashMap<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Thread thread;

  private final AtomicLong polls = new AtomicLong();
  private final AtomicLong invocations = new AtomicLong();
  private final AtomicLong recordsDelivered = new AtomicLong();
  private final AtomicLong recordsCompleted = new AtomicLong();
  private final AtomicLong batchItemFailures = new AtomicLong();
  private final AtomicLong handlerErrors = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong recordsSkipped = new AtomicLong();

  private volatile boolean stopRequested;
  private volatile boolean draining;
  private volatile long drainStartNanos;
  private volatile boolean drainedCleanly;
  private boolean shardListStale = true;
  private long shardListDueNanos;

  private EventSourcePoller(KinesisClient kinesis, String streamName, String streamArn,
      RequestHandler<KinesisEvent, StreamsEventResponse> handler, Settings settings, LongSupplier clock) {
    this.kinesis = kinesis;
    this.streamName = streamName;
    this.streamArn = streamArn;
    this.region = kinesis.serviceClientConfiguration().region().id();
    this.handler = handler;
    this.settings = settings;
    this.clock = clock;
    this.thread = new Thread(this::pollLoop, "poller-" + streamName);
    this.thread.setDaemon(true);
  }

  /**
   * Starts polling {@code streamName} for {@code handler} on a thread of its own.
   *
   * @throws SdkException when the stream cannot be described (it must exist and be ACTIVE)
   */
  public static EventSourcePoller start(KinesisClient kinesis, String streamName,
      RequestHandler<KinesisEvent, StreamsEventResponse> handler, Settings settings) {
    return start(kinesis, streamName, handler, settings, System::nanoTime);
  }

  /** The same, reading the time from {@code clock} ({@code System.nanoTime()} scale): tests drive it. */
  static EventSourcePoller start(KinesisClient kinesis, String streamName,
      RequestHandler<KinesisEvent, StreamsEventResponse> handler, Settings settings, LongSupplier clock) {
    String arn = kinesis.describeStreamSummary(b -> b.streamName(streamName)).streamDescriptionSummary().streamARN();
    EventSourcePoller poller = new EventSourcePoller(kinesis, streamName, arn, handler, settings, clock);
    poller.thread.start();
    LOG.info("Feeding {} from {}: batch size {}, shards polled every {} ms while idle", settings.functionName(),
        streamName, settings.batchSize(), settings.pollInterval().toMillis());
    return poller;
  }

  public String streamName() {
    return streamName;
  }

  public Stats stats() {
    return new Stats(polls.get(), invocations.get(), recordsDelivered.get(), recordsCompleted.get(),
        batchItemFailures.get(), handlerErrors.get(), retries.get(), recordsSkipped.get());
  }

  /** The last sequence number of the shard that is done with (empty before the first completed record). */
  public Optional<String> checkpoint(String shardId) {
    return Optional.ofNullable(checkpoints.get(shardId));
  }

  /**
   * Keeps polling until every shard has answered a GetRecords with nothing new (what was on the stream when the
   * drain began has been handled), or until {@code timeout}; then stops.
   *
   * @return whether every shard caught up in time
   */
  public boolean drain(Duration timeout) {
    drainStartNanos = clock.getAsLong();
    draining = true;
    LockSupport.unpark(thread);
    boolean finished = awaitStopped(timeout);
    if (!finished) {
      LOG.warn("{}: stream {} not drained within {} ms, stopping anyway", settings.functionName(), streamName,
          timeout.toMillis());
    }
    close();
    return finished && drainedCleanly;
  }

  /** Stops after the invocation in progress (if any) has returned; does not drain. */
  @Override
  public void close() {
    stopRequested = true;
    LockSupport.unpark(thread);
    if (!awaitStopped(settings.functionTimeout().plusSeconds(5))) {
      LOG.warn("{}: poller thread did not stop, interrupting it", settings.functionName());
      thread.interrupt();
      awaitStopped(Duration.ofSeconds(5));
    }
  }

  private boolean awaitStopped(Duration timeout) {
    try {
      return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void pollLoop() {
    try {
      while (!stopRequested) {
        refreshShardsIfStale();
        if (draining && allCaughtUp()) {
          drainedCleanly = true;
          break;
        }
        ShardCursor next = nextDue();
        long now = clock.getAsLong();
        long due = next == null ? now + settings.pollInterval().toNanos() : effectiveDue(next);
        if (due > now) {
          LockSupport.parkNanos(this, due - now);
          continue;
        }
        pollSafely(next);
      }
    } finally {
      LOG.info("{}: stopped polling {}: {}", settings.functionName(), streamName, stats());
      stopped.countDown();
    }
  }

  private void pollSafely(ShardCursor cursor) {
    try {
      poll(cursor);
      if (cursor.readFailures > 0) {
        LOG.info("{}: reading shard {} of {} works again after {} failed attempts", settings.functionName(),
            cursor.shardId, streamName, cursor.readFailures);
        cursor.readFailures = 0;
      }
    } catch (SdkException e) {
      // The emulator restarting or throttling: the shard keeps its position and is polled again after a pause.
      cursor.readFailures++;
      if (cursor.readFailures == 1) {
        LOG.warn("{}: reading shard {} of {} failed, trying again with backoff", settings.functionName(),
            cursor.shardId, streamName, e);
      } else {
        LOG.debug("{}: reading shard {} failed again ({} times): {}", settings.functionName(), cursor.shardId,
            cursor.readFailures, e.getMessage());
      }
      long pauseNanos = settings.backoff().delayNanos(cursor.readFailures);
      cursor.dueAtNanos = clock.getAsLong() + Math.max(pauseNanos, settings.pollInterval().toNanos());
    }
  }

  private void poll(ShardCursor cursor) {
    if (cursor.iterator == null) {
      cursor.iterator = kinesis.getShardIterator(iteratorRequest(cursor)).shardIterator();
    }
    long pollStart = clock.getAsLong();
    polls.incrementAndGet();
    GetRecordsResponse response;
    try {
      String iterator = cursor.iterator;
      response = kinesis.getRecords(b -> b.shardIterator(iterator).limit(settings.batchSize()));
    } catch (ExpiredIteratorException e) {
      LOG.debug("iterator of {} expired, resuming from the checkpoint", cursor.shardId);
      cursor.iterator = null;
      return;
    }
    cursor.iterator = response.nextShardIterator();
    List<Record> records = response.records();
    if (!records.isEmpty()) {
      deliver(cursor, records);
    } else if (response.millisBehindLatest() != null && response.millisBehindLatest() > 0) {
      cursor.dueAtNanos = clock.getAsLong();
    } else {
      cursor.lastEmptyPollNanos = pollStart;
      cursor.dueAtNanos = pollStart + settings.pollInterval().toNanos();
    }
    if (cursor.iterator == null && cursor.attempts == 0) {
      LOG.info("{}: shard {} of {} is closed and done", settings.functionName(), cursor.shardId, streamName);
      cursor.closed = true;
      shardListStale = true;
    }
  }

  private void deliver(ShardCursor cursor, List<Record> records) {
    KinesisEvent event = KinesisEvents.fromRecords(records, new KinesisEvents.Source(streamArn, cursor.shardId, region,
        KinesisEvents.functionRoleArn(settings.functionName())));
    LocalLambdaContext context = new LocalLambdaContext(settings.functionName(), settings.functionTimeout(), clock);
    invocations.incrementAndGet();
    recordsDelivered.addAndGet(records.size());
    StreamsEventResponse response;
    try {
      response = handler.handleRequest(event, context);
    } catch (RuntimeException | Error e) {
      if (e instanceof VirtualMachineError fatal) {
        throw fatal;
      }
      handlerErrors.incrementAndGet();
      LOG.warn("{} threw on {} records of shard {} from {}: redelivering the whole batch", settings.functionName(),
          records.size(), cursor.shardId, records.get(0).sequenceNumber(), e);
      redeliver(cursor, records, 0);
      return;
    }
    if (context.timedOut()) {
      // Kept, not failed: a slow laptop should not loop forever on a batch that did succeed. In Lambda it would.
      LOG.warn("{} took longer than its timeout of {} ms: in Lambda this invocation would have failed",
          settings.functionName(), settings.functionTimeout().toMillis());
    }
    int failedFrom = firstFailedIndex(records, response);
    if (failedFrom < 0) {
      checkpoint(cursor, records.get(records.size() - 1));
      recordsCompleted.addAndGet(records.size());
      cursor.attempts = 0;
      cursor.dueAtNanos = clock.getAsLong();
      return;
    }
    if (failedFrom > 0) {
      checkpoint(cursor, records.get(failedFrom - 1));
      recordsCompleted.addAndGet(failedFrom);
    }
    LOG.warn("{} reported {} batch item failure(s) in shard {}: redelivering from {}", settings.functionName(),
        response.getBatchItemFailures().size(), cursor.shardId, records.get(failedFrom).sequenceNumber());
    redeliver(cursor, records, failedFrom);
  }

  /**
   * Index of the record redelivery starts at: the lowest reported sequence number; 0 (the whole batch) when an
   * identifier is missing or not in the batch, as Lambda treats it; -1 when nothing failed.
   */
  private int firstFailedIndex(List<Record> records, StreamsEventResponse response) {
    if (response == null || response.getBatchItemFailures() == null
        || response.getBatchItemFailures().isEmpty()) {
      return -1;
    }
    Map<String, Integer> indexBySequence = new HashMap<>();
    for (int i = 0; i < records.size(); i++) {
      indexBySequence.put(records.get(i).sequenceNumber(), i);
    }
    int lowest = Integer.MAX_VALUE;
    for (BatchItemFailure failure : response.getBatchItemFailures()) {
      batchItemFailures.incrementAndGet();
      Integer index = failure == null ? null : indexBySequence.get(failure.getItemIdentifier());
      if (index == null) {
        LOG.warn("{} reported a failure for {}, which is not in the batch: treating the whole batch as failed",
            settings.functionName(), failure == null ? null : failure.getItemIdentifier());
        return 0;
      }
      lowest = Math.min(lowest, index);
    }
    return lowest;
  }

  private void redeliver(ShardCursor cursor, List<Record> records, int fromIndex) {
    cursor.attempts++;
    Record first = records.get(fromIndex);
    if (settings.maxRetryAttempts() >= 0 && cursor.attempts > settings.maxRetryAttempts()) {
      Record last = records.get(records.size() - 1);
      LOG.error("{}: skipping records {}..{} of shard {} after {} retries (maxRetryAttempts)",
          settings.functionName(), first.sequenceNumber(), last.sequenceNumber(), cursor.shardId,
          settings.maxRetryAttempts());
      recordsSkipped.addAndGet(records.size() - fromIndex);
      checkpoint(cursor, last);
      cursor.attempts = 0;
      cursor.dueAtNanos = clock.getAsLong();
      return;
    }
    retries.incrementAndGet();
    // Re-read from the stream, as Lambda does: the next batch starts at the failed record and may hold more.
    cursor.iterator = null;
    cursor.resumeType = ShardIteratorType.AT_SEQUENCE_NUMBER;
    cursor.resumeSequence = first.sequenceNumber();
    cursor.dueAtNanos = clock.getAsLong() + settings.backoff().delayNanos(cursor.attempts);
  }

  private void checkpoint(ShardCursor cursor, Record record) {
    cursor.resumeType = ShardIteratorType.AFTER_SEQUENCE_NUMBER;
    cursor.resumeSequence = record.sequenceNumber();
    checkpoints.put(cursor.shardId, record.sequenceNumber());
  }

  private GetShardIteratorRequest iteratorRequest(ShardCursor cursor) {
    GetShardIteratorRequest.Builder request = GetShardIteratorRequest.builder()
        .streamName(streamName)
        .shardId(cursor.shardId);
    if (cursor.resumeSequence == null) {
      return request.shardIteratorType(settings.startingPosition()).build();
    }
    return request.shardIteratorType(cursor.resumeType).startingSequenceNumber(cursor.resumeSequence).build();
  }

  private long effectiveDue(ShardCursor cursor) {
    // While draining, a healthy shard that has not caught up yet is polled at once instead of resting; one in
    // backoff (a failing handler or a failing stream) keeps its pause.
    boolean hurry = draining && cursor.attempts == 0 && cursor.readFailures == 0 && !caughtUpSinceDrain(cursor);
    return hurry ? Math.min(cursor.dueAtNanos, drainStartNanos) : cursor.dueAtNanos;
  }

  private boolean caughtUpSinceDrain(ShardCursor cursor) {
    return cursor.closed || cursor.lastEmptyPollNanos - drainStartNanos >= 0;
  }

  private ShardCursor nextDue() {
    ShardCursor next = null;
    for (ShardCursor cursor : shards.values()) {
      if (isPollable(cursor) && (next == null || effectiveDue(cursor) < effectiveDue(next))) {
        next = cursor;
      }
    }
    return next;
  }

  /** Open, and its parent (after a reshard) is done with, so records stay in order per partition key. */
  private boolean isPollable(ShardCursor cursor) {
    if (cursor.closed) {
      return false;
    }
    ShardCursor parent = cursor.parentShardId == null ? null : shards.get(cursor.parentShardId);
    return parent == null || parent.closed;
  }

  private boolean allCaughtUp() {
    for (ShardCursor cursor : shards.values()) {
      if (!caughtUpSinceDrain(cursor)) {
        return false;
      }
    }
    return true;
  }

  private void refreshShardsIfStale() {
    long now = clock.getAsLong();
    if (!shardListStale || now - shardListDueNanos < 0) {
      return;
    }
    try {
      for (Shard shard : listShards()) {
        shards.computeIfAbsent(shard.shardId(), id -> new ShardCursor(id, shard.parentShardId(), now));
      }
      shardListStale = false;
    } catch (SdkException e) {
      LOG.warn("{}: ListShards on {} failed, trying again", settings.functionName(), streamName, e);
      shardListDueNanos = now + settings.pollInterval().toNanos();
    }
  }

  private List<Shard> listShards() {
    List<Shard> all = new ArrayList<>();
    ListShardsResponse page = kinesis.listShards(ListShardsRequest.builder().streamName(streamName).build());
    all.addAll(page.shards());
    while (page.nextToken() != null) {
      // With a NextToken, ListShards refuses the stream name.
      String token = page.nextToken();
      page = kinesis.listShards(ListShardsRequest.builder().nextToken(token).build());
      all.addAll(page.shards());
    }
    return all;
  }

  /** Where one shard stands; touched by the poller thread only. */
  private static final class ShardCursor {
    final String shardId;
    final String parentShardId;
    String iterator;
    ShardIteratorType resumeType;
    String resumeSequence;
    long dueAtNanos;
    long lastEmptyPollNanos;
    int attempts;
    int readFailures;
    boolean closed;

    ShardCursor(String shardId, String parentShardId, long now) {
      this.shardId = shardId;
      this.parentShardId = parentShardId;
      this.dueAtNanos = now;
      this.lastEmptyPollNanos = now - Duration.ofDays(1).toNanos();
    }
  }
}
