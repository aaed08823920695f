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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * Drains the {@link ProducerBuffer} into PutRecords calls (at most 500 records / 5 MiB each, up to
 * KINESIS_MAX_IN_FLIGHT at once). A partial batch waits up to KINESIS_LINGER_MS for company. Records Kinesis did
 * not store (a failed entry, or the whole call) go back to the front and are retried after an exponential,
 * fully jittered, capped backoff, for as long as it takes: they keep their place in the buffer's bounds meanwhile,
 * so a long outage turns into 503s at the door rather than lost events. On undeploy it flushes within the
 * shutdown deadline. Every field is touched on this verticle's context only.
 */
public final class KinesisVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(KinesisVerticle.class);
  private static final Duration PROBE_INTERVAL = Duration.ofSeconds(5);
  private static final long FLUSH_CHECK_MILLIS = 20;

  private final KinesisApi api;
  private final ProducerBuffer buffer;
  private final String stream;
  private final long lingerNanos;
  private final int maxInFlight;
  private final Duration shutdownTimeout;
  private final TrackerMetrics metrics;
  private final KinesisHealth health;
  private final Backoff backoff;
  private final Deque<PendingRecord> retries = new ArrayDeque<>();
  private final LogThrottle failureLog = new LogThrottle(Duration.ofSeconds(10));
  private final LogThrottle probeLog = new LogThrottle(Duration.ofSeconds(60));
  private int inFlight;
  private long notBeforeNanos = System.nanoTime();
  private boolean retryTimerArmed;
  private boolean flushing;
  private long sentTotal;
  private long tickTimer = -1;
  private long probeTimer = -1;

  /**
   * @param retryBase first retry ceiling; the ceiling doubles up to {@code retryCap}
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
    if (failed.isEmpty()) {
      backoff.reset();
      return;
    }
    // Typically throttling of a hot shard: retry only these, after a pause.
    if (failureLog.tryAcquire()) {
      LOG.warn("Kinesis stored {} of {} records of a PutRecords (first error: {}); retrying the rest "
          + "({} similar warnings not logged)", sent, batch.size(), firstError(response),
          failureLog.takeSuppressed());
    }
    retryLater(failed);
  }

  private void callFailed(List<PendingRecord> batch, Throwable cause) {
    health.failed(cause);
    metrics.batch(0, batch.size());
    if (failureLog.tryAcquire()) {
      LOG.warn("PutRecords of {} records to {} failed; retrying ({} buffered, {} similar warnings not logged)",
          batch.size(), stream, buffer.depth(), failureLog.takeSuppressed(), cause);
    }
    retryLater(batch);
  }

  private void retryLater(List<PendingRecord> records) {
    // Back to the front, in order: they are older than anything still waiting.
    for (int i = records.size() - 1; i >= 0; i--) {
      retries.addFirst(records.get(i));
    }
    metrics.retried(records.size());
    long delayMillis = backoff.nextDelayMillis();
    notBeforeNanos = Math.max(notBeforeNanos, System.nanoTime() + delayMillis * 1_000_000);
    if (!retryTimerArmed) {
      retryTimerArmed = true;
      vertx.setTimer(delayMillis, id -> {
        retryTimerArmed = false;
        drain();
      });
    }
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
}
