package io.adtrack.tracker.kinesis;

import io.adtrack.tracker.metrics.TrackerMetrics;
import io.adtrack.tracker.support.Backoff;
import io.adtrack.tracker.support.LogThrottle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * Drains the {@link ProducerBuffer} into PutRecords calls (at most 500 records / 5 MiB each, up to
 * KINESIS_MAX_IN_FLIGHT at once). A partial batch waits up to KINESIS_LINGER_MS for company. Records Kinesis did
 * not store are retried for as long as it takes, and keep their place in the buffer's bounds meanwhile, so a long
 * outage turns into 503s at the door rather than lost events. How they are retried depends on what failed:
 * <ul>
 *   <li>an entry refused inside a PutRecords that stored others (typically a throttled hot shard) waits for its own
 *   exponential, fully jittered, capped backoff (by its own failure count) while everything else keeps flowing:
 *   pausing the whole sender for it would cut throughput to a trickle under steady partial throttling;</li>
 *   <li>a whole call that failed (connection, 5xx, timeout) or stored nothing pauses the sender as a whole with the
 *   same kind of backoff, which resets on the first call that stores anything.</li>
 * </ul>
 * Ordering is not kept (the partition key is the message id). On undeploy it flushes within the shutdown deadline.
 * Every field is touched on this verticle's context only.
 */
public final class KinesisVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(KinesisVerticle.class);
  private static final Duration PROBE_INTERVAL = Duration.ofSeconds(5);
  private static final long FLUSH_CHECK_MILLIS = 20;
  /** Past this many failures in a row the backoff ceiling is the cap anyway (see {@link Backoff}). */
  private static final int MAX_DISTINCT_FAILURE_COUNTS = 32;

  private final KinesisApi api;
  private final ProducerBuffer buffer;
  private final String stream;
  private final long lingerNanos;
  private final int maxInFlight;
  private final Duration shutdownTimeout;
  private final TrackerMetrics metrics;
  private final KinesisHealth health;
  private final Backoff backoff;
  /** Records to send again now, ahead of new ones. */
  private final Deque<PendingRecord> retries = new ArrayDeque<>();
  /**
   * Refused records waiting for their own backoff, earliest due first (in the order they were refused when due
   * together); they move to {@link #retries} when due.
   */
  private final PriorityQueue<DelayedRetry> delayed = new PriorityQueue<>(
      Comparator.comparingLong(DelayedRetry::dueNanos).thenComparingLong(DelayedRetry::sequence));
  private long delayedSequence;
  private final LogThrottle failureLog = new LogThrottle(Duration.ofSeconds(10));
  private final LogThrottle probeLog = new LogThrottle(Duration.ofSeconds(60));
  private int inFlight;
  private long notBeforeNanos = System.nanoTime();
  private long wakeUpTimer = -1;
  private long wakeUpAtNanos;
  private boolean flushing;
  private long sentTotal;
  private long tickTimer = -1;
  private long probeTimer = -1;

  /**
   * @param retryBase first retry ceiling (of a record, and of the sender after a failed call); the ceiling doubles
   *                  with each failure in a row up to {@code retryCap}
   */
  public KinesisVerticle(KinesisApi api, ProducerBuffer buffer, String stream, Duration linger, int maxInFlight,
      Duration shutdownTimeout, TrackerMetrics metrics, KinesisHealth health, Duration retryBase,
      Duration retryCap) {
    this.api = api;
    this.buffer = buffer;
    this.stream = stream;
    this.lingerNanos = linger.toNanos();
    this.maxInFlight = maxInFlight;
    this.shutdownTimeout = shutdownTimeout;
    this.metrics = metrics;
    this.health = health;
    this.backoff = new Backoff(retryBase, retryCap);
  }

  @Override
  public Future<?> start() {
    buffer.onBatchReady(() -> context.runOnContext(v -> drain()));
    // A partial batch is sent at most about half a linger late; with no linger, every millisecond.
    long tick = Math.max(1, Math.min(50, lingerNanos / 2_000_000));
    tickTimer = vertx.setPeriodic(tick, id -> drain());
    probeTimer = vertx.setPeriodic(PROBE_INTERVAL.toMillis(), id -> probeWhenIdle());
    // Kinesis down at start is no reason to fail: readiness says so and the probe keeps trying.
    probeWhenIdle();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    flushing = true;
    long started = System.nanoTime();
    long deadline = started + shutdownTimeout.toNanos();
    int atStart = buffer.depth();
    long sentBefore = sentTotal;
    Promise<Void> flushed = Promise.promise();
    drain();
    vertx.setPeriodic(FLUSH_CHECK_MILLIS, id -> {
      drain();
      boolean empty = buffer.depth() == 0;
      if (empty || System.nanoTime() - deadline >= 0) {
        vertx.cancelTimer(id);
        vertx.cancelTimer(tickTimer);
        vertx.cancelTimer(probeTimer);
        if (wakeUpTimer != -1) {
          vertx.cancelTimer(wakeUpTimer);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (empty) {
          LOG.info("Flushed {} records to Kinesis stream {} in {} ms; none left", sentTotal - sentBefore, stream,
              millis);
        } else {
          LOG.error("Shutdown deadline of {} reached: flushed {} of {} records, {} left unsent", shutdownTimeout,
              sentTotal - sentBefore, atStart, buffer.depth());
        }
        flushed.complete();
      }
    });
    return flushed.future();
  }

  private void drain() {
    long now = System.nanoTime();
    promoteDueRetries(now);
    sendWhatIsDue(now);
    armWakeUp(now);
  }

  private void promoteDueRetries(long now) {
    DelayedRetry head = delayed.peek();
    while (head != null && now - head.dueNanos() >= 0) {
      retries.addLast(delayed.poll().record());
      head = delayed.peek();
    }
  }

  private void sendWhatIsDue(long now) {
    while (inFlight < maxInFlight && now - notBeforeNanos >= 0) {
      if (retries.isEmpty() && !fullBatchOrLingered(now)) {
        return;
      }
      List<PendingRecord> batch = PutRecordsBatches.next(retries, buffer, PutRecordsBatches.MAX_RECORDS,
          PutRecordsBatches.MAX_BYTES);
      if (batch.isEmpty()) {
        return;
      }
      send(batch);
    }
  }

  /**
   * One timer for the next moment something becomes sendable that no completion or full batch will announce: the
   * end of a pause of the sender, else the earliest record backoff. (The periodic tick would get there too, but up
   * to 50 ms late.)
   */
  private void armWakeUp(long now) {
    long at;
    if (now - notBeforeNanos < 0) {
      at = notBeforeNanos;
    } else if (!delayed.isEmpty()) {
      at = delayed.peek().dueNanos();
    } else {
      return;
    }
    if (wakeUpTimer != -1) {
      if (wakeUpAtNanos - at <= 0) {
        return;
      }
      vertx.cancelTimer(wakeUpTimer);
    }
    wakeUpAtNanos = at;
    long delayMillis = Math.max(1, (at - now + 999_999) / 1_000_000);
    wakeUpTimer = vertx.setTimer(delayMillis, id -> {
      wakeUpTimer = -1;
      drain();
    });
  }

  private boolean fullBatchOrLingered(long now) {
    int waiting = buffer.waiting();
    if (waiting == 0) {
      return false;
    }
    long oldest = buffer.oldestAcceptedAtNanos();
    return flushing || waiting >= PutRecordsBatches.MAX_RECORDS || oldest >= 0 && now - oldest >= lingerNanos;
  }

  private void send(List<PendingRecord> batch) {
    inFlight++;
    CompletableFuture<PutRecordsResponse> call;
    try {
      call = api.putRecords(PutRecordsBatches.request(stream, batch));
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    Future.fromCompletionStage(call, context).onComplete(result -> {
      inFlight--;
      if (result.succeeded()) {
        stored(batch, result.result());
      } else {
        callFailed(batch, result.cause());
      }
      drain();
    });
  }

  private void stored(List<PendingRecord> batch, PutRecordsResponse response) {
    health.succeeded();
    List<PendingRecord> failed = PutRecordsBatches.failed(batch, response);
    int sent = batch.size() - failed.size();
    buffer.release(sent, PutRecordsBatches.bytes(batch) - PutRecordsBatches.bytes(failed));
    sentTotal += sent;
    metrics.batch(sent, failed.size());
    if (sent > 0) {
      // Kinesis takes records: whatever paused the sender is over.
      backoff.reset();
      notBeforeNanos = System.nanoTime();
    }
    if (failed.isEmpty()) {
      return;
    }
    // Typically throttling of a hot shard: only these wait, each for its own backoff.
    if (failureLog.tryAcquire()) {
      LOG.warn("Kinesis stored {} of {} records of a PutRecords (first error: {}); retrying the rest "
          + "({} similar warnings not logged)", sent, batch.size(), firstError(response),
          failureLog.takeSuppressed());
    }
    retryEachLater(failed);
    if (sent == 0) {
      pauseSender();
    }
  }

  private void callFailed(List<PendingRecord> batch, Throwable cause) {
    health.failed(cause);
    metrics.batch(0, batch.size());
    if (failureLog.tryAcquire()) {
      LOG.warn("PutRecords of {} records to {} failed; retrying ({} buffered, {} similar warnings not logged)",
          batch.size(), stream, buffer.depth(), failureLog.takeSuppressed(), cause);
    }
    // Back to the front, in order: they are older than anything still waiting; the pause holds them back.
    for (int i = batch.size() - 1; i >= 0; i--) {
      retries.addFirst(batch.get(i));
    }
    metrics.retried(batch.size());
    pauseSender();
  }

  /**
   * Each record waits for a backoff by its own failure count. Records of one answer with the same count share one
   * random draw, so they go out together again rather than as a splinter of tiny calls (jitter is there to spread
   * senders and rounds apart, not records of one round).
   */
  private void retryEachLater(List<PendingRecord> records) {
    long now = System.nanoTime();
    long[] dueByFailures = new long[MAX_DISTINCT_FAILURE_COUNTS];
    for (PendingRecord record : records) {
      int failuresBefore = Math.min(record.failedOnceMore() - 1, MAX_DISTINCT_FAILURE_COUNTS - 1);
      if (dueByFailures[failuresBefore] == 0) {
        dueByFailures[failuresBefore] = now + backoff.delayMillis(failuresBefore) * 1_000_000;
      }
      delayed.add(new DelayedRetry(record, dueByFailures[failuresBefore], delayedSequence++));
    }
    metrics.retried(records.size());
  }

  /** Nothing gets through: no call at all until a backoff (growing with each such failure in a row) has passed. */
  private void pauseSender() {
    long delayMillis = backoff.nextDelayMillis();
    notBeforeNanos = Math.max(notBeforeNanos, System.nanoTime() + delayMillis * 1_000_000);
  }

  private void probeWhenIdle() {
    if (inFlight > 0 || health.reachable()) {
      return;
    }
    Future.fromCompletionStage(api.probe(stream), context)
        .onSuccess(v -> health.succeeded())
        .onFailure(e -> {
          health.failed(e);
          if (probeLog.tryAcquire()) {
            LOG.warn("Kinesis stream {} not reachable ({} similar warnings not logged)", stream,
                probeLog.takeSuppressed(), e);
          }
        });
  }

  private static String firstError(PutRecordsResponse response) {
    return response.records().stream()
        .filter(entry -> entry.errorCode() != null)
        .map(entry -> entry.errorCode() + ": " + entry.errorMessage())
        .findFirst().orElse("none reported");
  }

  private record DelayedRetry(PendingRecord record, long dueNanos, long sequence) {
  }
}
