package io.adtrack.tracker.kinesis;

import com.google.common.base.Ticker;
import io.adtrack.conventions.Backoff;
import io.adtrack.tracker.config.TrackerConfig;
import io.adtrack.tracker.metrics.TrackerMetrics;
import io.adtrack.tracker.support.LogThrottle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * Drains the {@link ProducerBuffer} into PutRecords calls, as its {@link SendSchedule} decides: batches of at most
 * 500 records / 5 MiB, a partial batch after KINESIS_LINGER_MS, up to KINESIS_MAX_IN_FLIGHT calls at once, and
 * records Kinesis did not store retried for as long as it takes. They keep their place in the buffer's bounds
 * meanwhile, so a long outage turns into 503s at the door rather than lost events. Ordering is not kept (the
 * partition key is the message id). On undeploy it closes the buffer and flushes it within the shutdown deadline.
 * Every field is touched on this verticle's context only; time is read from the ticker, so tests can drive it.
 *
 * <p>The client's first call loads and sets up most of the AWS SDK before it returns its future (a thousand classes,
 * the endpoint rules, the credentials, which in ECS come over HTTP): half a second on an idle machine, seconds on a
 * busy one. So the start makes that call, the first readiness probe, on a worker thread, and completes once it is
 * sent, not answered: Kinesis down at start is no reason to fail (readiness says so and the probe keeps trying), and
 * the HTTP verticles, deployed after this one, meet a client that is ready.
 */
public final class KinesisVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(KinesisVerticle.class);
  private static final Duration PROBE_INTERVAL = Duration.ofSeconds(5);
  /** How often the age of the oldest unstored record is looked up for the gauge: well below any scrape interval. */
  private static final Duration AGE_SAMPLE_INTERVAL = Duration.ofSeconds(1);
  private static final long FLUSH_CHECK_MILLIS = 20;

  private final KinesisApi api;
  private final ProducerBuffer buffer;
  private final SendSchedule schedule;
  private final String stream;
  private final Duration shutdownTimeout;
  private final TrackerMetrics metrics;
  private final KinesisHealth health;
  private final Ticker ticker;
  private final LogThrottle failureLog = new LogThrottle(Duration.ofSeconds(10));
  private final LogThrottle probeLog = new LogThrottle(Duration.ofSeconds(60));
  private long wakeUpTimer = -1;
  private long wakeUpAtNanos;
  private long sentTotal;
  private long probeTimer = -1;
  private long ageTimer = -1;
  /** When the oldest record not yet stored was accepted, as of the last sample; -1: none. Read by the scrape. */
  private volatile long oldestUnstoredAtNanos = -1;

  /**
   * @param settings the stream, linger and in-flight cap
   * @param backoff  the wait of a refused record, and of the whole sender after a failed call
   */
  public KinesisVerticle(KinesisApi api, ProducerBuffer buffer, TrackerConfig.Kinesis settings, Backoff backoff,
      Duration shutdownTimeout, TrackerMetrics metrics, KinesisHealth health, Ticker ticker) {
    this.api = api;
    this.buffer = buffer;
    this.schedule = new SendSchedule(buffer, settings.linger(), settings.maxInFlight(), backoff);
    this.stream = settings.eventStream();
    this.shutdownTimeout = shutdownTimeout;
    this.metrics = metrics;
    this.health = health;
    this.ticker = ticker;
  }

  @Override
  public Future<?> start() {
    buffer.onSendable(() -> context.runOnContext(v -> drain()));
    return vertx.executeBlocking(this::probe, false).map(firstProbe -> {
      follow(firstProbe);
      probeTimer = vertx.setPeriodic(PROBE_INTERVAL.toMillis(), id -> probeWhenIdle());
      ageTimer = vertx.setPeriodic(AGE_SAMPLE_INTERVAL.toMillis(), id -> sampleOldestUnstored());
      drain();
      return null;
    });
  }

  @Override
  public Future<?> stop() {
    buffer.close();
    schedule.flush();
    long started = ticker.read();
    int atStart = buffer.depth();
    long sentBefore = sentTotal;
    Promise<Void> flushed = Promise.promise();
    drain();
    vertx.setPeriodic(FLUSH_CHECK_MILLIS, id -> {
      drain();
      boolean empty = buffer.depth() == 0;
      long elapsedNanos = ticker.read() - started;
      if (empty || elapsedNanos >= shutdownTimeout.toNanos()) {
        vertx.cancelTimer(id);
        vertx.cancelTimer(probeTimer);
        vertx.cancelTimer(ageTimer);
        if (wakeUpTimer != -1) {
          vertx.cancelTimer(wakeUpTimer);
        }
        if (empty) {
          LOG.info("Flushed {} records to Kinesis stream {} in {} ms; none left", sentTotal - sentBefore, stream,
              elapsedNanos / 1_000_000);
        } else {
          LOG.error("Shutdown deadline of {} reached: flushed {} of {} records, {} left unsent", shutdownTimeout,
              sentTotal - sentBefore, atStart, buffer.depth());
        }
        flushed.complete();
      }
    });
    return flushed.future();
  }

  /**
   * Age of the oldest event accepted and not yet stored by Kinesis, wherever it waits (buffer, call out, retry); 0
   * when there is none. Up to a second stale (the sampling interval), which an alarm at a minute does not mind; any
   * thread may ask.
   */
  public double oldestUnstoredAgeSeconds() {
    long oldest = oldestUnstoredAtNanos;
    return oldest == -1 ? 0 : Math.max(0, ticker.read() - oldest) / 1e9;
  }

  private void sampleOldestUnstored() {
    oldestUnstoredAtNanos = schedule.oldestUnstoredAcceptedAtNanos();
  }

  private void drain() {
    long now = ticker.read();
    for (List<PendingRecord> batch = schedule.nextBatch(now); !batch.isEmpty(); batch = schedule.nextBatch(now)) {
      send(batch);
    }
    armWakeUp(now);
  }

  /**
   * One timer for the next moment something becomes sendable that no completion and no new record will announce:
   * the end of a pause, a record's backoff, a partial batch's linger.
   */
  private void armWakeUp(long now) {
    OptionalLong next = schedule.nextWakeUpNanos(now);
    if (next.isEmpty()) {
      return;
    }
    long at = next.getAsLong();
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

  private void send(List<PendingRecord> batch) {
    CompletableFuture<PutRecordsResponse> call;
    try {
      call = api.putRecords(PutRecordsBatches.request(stream, batch));
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    Future.fromCompletionStage(call, context).onComplete(result -> {
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
    if (!failed.isEmpty()) {
      // Typically throttling of a hot shard: only these wait, each for its own backoff.
      if (failureLog.tryAcquire()) {
        LOG.warn("Kinesis stored {} of {} records of a PutRecords (first error: {}); retrying the rest "
            + "({} similar warnings not logged)", sent, batch.size(), firstError(response),
            failureLog.takeSuppressed());
      }
      metrics.retried(failed.size());
    }
    schedule.stored(batch, failed, ticker.read());
  }

  private void callFailed(List<PendingRecord> batch, Throwable cause) {
    health.failed(cause);
    metrics.batch(0, batch.size());
    if (failureLog.tryAcquire()) {
      LOG.warn("PutRecords of {} records to {} failed; retrying ({} buffered, {} similar warnings not logged)",
          batch.size(), stream, buffer.depth(), failureLog.takeSuppressed(), cause);
    }
    metrics.retried(batch.size());
    schedule.callFailed(batch, ticker.read());
  }

  private void probeWhenIdle() {
    if (schedule.inFlight() > 0 || health.reachable()) {
      return;
    }
    follow(probe());
  }

  /** A DescribeStreamSummary; a client that throws rather than fail its future fails it here all the same. */
  private CompletableFuture<?> probe() {
    try {
      return api.probe(stream);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Readiness follows the probe's answer. */
  private void follow(CompletableFuture<?> probe) {
    Future.fromCompletionStage(probe, context)
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
