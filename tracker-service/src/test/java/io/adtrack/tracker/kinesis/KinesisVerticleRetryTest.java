package io.adtrack.tracker.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.adtrack.conventions.Backoff;
import io.adtrack.testkit.Draws;
import io.adtrack.tracker.ManualTicker;
import io.adtrack.tracker.config.TrackerConfig;
import io.adtrack.tracker.metrics.TrackerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * The sender verticle around its {@link SendSchedule}, against a scripted PutRecords, on a ticker the test moves
 * (what to send when is SendScheduleTest's; the real emulator is KinesisOutageTest's).
 */
class KinesisVerticleRetryTest {

  private static final Duration LINGER = Duration.ofMillis(5);
  private static final Backoff BACKOFF = Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(50),
      Draws.highest());

  private final Vertx vertx = Vertx.vertx();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ManualTicker ticker = new ManualTicker();
  private final ProducerBuffer buffer = new ProducerBuffer(1000, 1L << 20, 500, ticker);
  private final List<List<String>> calls = new CopyOnWriteArrayList<>();
  private final KinesisHealth health = new KinesisHealth();

  @AfterEach
  void closeVertx() {
    vertx.close().await();
  }

  @Test
  void onlyTheRecordsAPutRecordsFailed_areSentAgain() throws Exception {
    // First call: every second record is throttled. Later calls: everything stored.
    deploy(scripted(request -> answer(request, calls.size() == 1 ? i -> i % 2 == 1 : i -> false)));
    for (int i = 0; i < 6; i++) {
      buffer.offer(new PendingRecord("m" + i, new byte[] {(byte) i}));
    }

    advanceUntil(() -> buffer.depth() == 0);

    assertThat(calls).hasSize(2);
    assertThat(calls.get(0)).as("the six lingered together").containsExactly("m0", "m1", "m2", "m3", "m4", "m5");
    assertThat(calls.get(1)).containsExactly("m1", "m3", "m5");
    assertThat(buffer.depthBytes()).isZero();
    assertThat(registry.get("tracker.kinesis.records.retried").counter().count()).isEqualTo(3);
    assertThat(registry.get("tracker.kinesis.records.sent").counter().count()).isEqualTo(6);
  }

  @Test
  void aFailedCall_isRetriedWholeWithBackoff_untilItGoesThrough() throws Exception {
    AtomicInteger failuresLeft = new AtomicInteger(3);
    deploy(scripted(request -> failuresLeft.getAndDecrement() > 0
        ? CompletableFuture.failedFuture(SdkClientException.create("connection refused"))
        : answer(request, i -> false)));
    buffer.offer(new PendingRecord("only", new byte[] {1}));

    advanceUntil(() -> buffer.depth() == 0);

    assertThat(calls).hasSize(4).allSatisfy(call -> assertThat(call).containsExactly("only"));
    assertThat(health.reachable()).isTrue();
  }

  @Test
  void theOldestUnstoredRecord_agesInTheGauge_whileKinesisRefusesIt_andTheGaugeIsZeroOnceStored() throws Exception {
    AtomicInteger failuresLeft = new AtomicInteger(Integer.MAX_VALUE);
    KinesisVerticle sender = sender(scripted(request -> failuresLeft.get() > 0
        ? CompletableFuture.failedFuture(SdkClientException.create("connection refused"))
        : answer(request, i -> false)));
    vertx.deployVerticle(sender).await(30, TimeUnit.SECONDS);
    assertThat(sender.oldestUnstoredAgeSeconds()).as("nothing accepted").isZero();
    buffer.offer(new PendingRecord("stuck", new byte[] {1}));
    advanceUntil(() -> calls.size() >= 2);

    ticker.advance(Duration.ofSeconds(90));

    // Sampled on the sender's context once a second: poll, the ticker stands still meanwhile.
    await().atMost(Duration.ofSeconds(30)).until(() -> sender.oldestUnstoredAgeSeconds() >= 90);
    failuresLeft.set(0);
    advanceUntil(() -> buffer.depth() == 0);
    await().atMost(Duration.ofSeconds(30)).until(() -> sender.oldestUnstoredAgeSeconds() == 0);
  }

  @Test
  void onUndeploy_theBufferIsClosed_andWhatItHoldsIsFlushedAtOnce() throws Exception {
    String deployment = deploy(scripted(request -> answer(request, i -> false)));
    for (int i = 0; i < 3; i++) {
      buffer.offer(new PendingRecord("late" + i, new byte[] {(byte) i}));
    }
    assertThat(calls).as("the ticker stands still: the linger never ends").isEmpty();

    vertx.undeploy(deployment).await(30, TimeUnit.SECONDS);

    assertThat(calls).containsExactly(List.of("late0", "late1", "late2"));
    assertThat(buffer.depth()).isZero();
    assertThat(buffer.offer(new PendingRecord("after", new byte[] {1}))).isEqualTo(ProducerBuffer.Offer.FULL);
  }

  /** Moves the ticker on, a few milliseconds at a time, until the condition holds. */
  private void advanceUntil(Callable<Boolean> condition) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(2)).until(() -> {
      ticker.advance(Duration.ofMillis(5));
      return condition.call();
    });
  }

  private String deploy(KinesisApi api) throws Exception {
    return vertx.deployVerticle(sender(api)).await(30, TimeUnit.SECONDS);
  }

  private KinesisVerticle sender(KinesisApi api) {
    TrackerConfig.Kinesis settings = new TrackerConfig.Kinesis("stream", LINGER, 1000, 1L << 20, 4);
    return new KinesisVerticle(api, buffer, settings, BACKOFF, Duration.ofSeconds(5), new TrackerMetrics(registry),
        health, ticker);
  }

  /** Stores every entry except those whose index {@code refused} picks. */
  private static CompletableFuture<PutRecordsResponse> answer(PutRecordsRequest request,
      IntPredicate refused) {
    List<PutRecordsResultEntry> results = new ArrayList<>();
    int failed = 0;
    for (int i = 0; i < request.records().size(); i++) {
      if (refused.test(i)) {
        failed++;
        results.add(PutRecordsResultEntry.builder().errorCode("ProvisionedThroughputExceededException").build());
      } else {
        results.add(PutRecordsResultEntry.builder().sequenceNumber("seq").shardId("shard").build());
      }
    }
    return CompletableFuture.completedFuture(PutRecordsResponse.builder().failedRecordCount(failed).records(results)
        .build());
  }

  private KinesisApi scripted(Function<PutRecordsRequest, CompletableFuture<PutRecordsResponse>> answer) {
    return new KinesisApi() {
      @Override
      public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
        calls.add(request.records().stream().map(PutRecordsRequestEntry::partitionKey).toList());
        return answer.apply(request);
      }

      @Override
      public CompletableFuture<?> probe(String stream) {
        return CompletableFuture.completedFuture(null);
      }
    };
  }
}
