package io.adtrack.tracker.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.adtrack.tracker.metrics.TrackerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * The sender's retry loop against a scripted PutRecords (a unit test of our batching; the real emulator is in
 * KinesisOutageTest).
 */
class KinesisVerticleRetryTest {

  private final Vertx vertx = Vertx.vertx();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<List<String>> calls = new CopyOnWriteArrayList<>();
  private Duration shutdownTimeout = Duration.ofSeconds(5);

  @AfterEach
  void closeVertx() {
    vertx.close().await();
  }

  @Test
  void onlyTheRecordsAPutRecordsFailed_areSentAgain() throws Exception {
    // First call: every second record is throttled. Later calls: everything stored.
    KinesisApi api = scripted(request -> {
      boolean first = calls.size() == 1;
      List<PutRecordsResultEntry> results = new ArrayList<>();
      for (int i = 0; i < request.records().size(); i++) {
        results.add(first && i % 2 == 1
            ? PutRecordsResultEntry.builder().errorCode("ProvisionedThroughputExceededException").build()
            : PutRecordsResultEntry.builder().sequenceNumber("seq").shardId("shard").build());
      }
      return CompletableFuture.completedFuture(PutRecordsResponse.builder()
          .failedRecordCount(first ? request.records().size() / 2 : 0).records(results).build());
    });
    ProducerBuffer buffer = new ProducerBuffer(1000, 1L << 20, 500);
    deploy(api, buffer);
    for (int i = 0; i < 6; i++) {
      buffer.offer(new PendingRecord("m" + i, new byte[] {(byte) i}));
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> buffer.depth() == 0);

    assertThat(calls).hasSize(2);
    assertThat(calls.get(0)).containsExactly("m0", "m1", "m2", "m3", "m4", "m5");
    assertThat(calls.get(1)).containsExactly("m1", "m3", "m5");
    assertThat(buffer.depthBytes()).isZero();
    assertThat(registry.get("tracker.kinesis.records.retried").counter().count()).isEqualTo(3);
    assertThat(registry.get("tracker.kinesis.records.sent").counter().count()).isEqualTo(6);
  }

  @Test
  void aFailedCall_isRetriedWholeWithBackoff_untilItGoesThrough() throws Exception {
    AtomicInteger failuresLeft = new AtomicInteger(3);
    KinesisApi api = scripted(request -> failuresLeft.getAndDecrement() > 0
        ? CompletableFuture.failedFuture(SdkClientException.create("connection refused"))
        : CompletableFuture.completedFuture(PutRecordsResponse.builder().failedRecordCount(0)
            .records(request.records().stream()
                .map(e -> PutRecordsResultEntry.builder().sequenceNumber("s").shardId("x").build()).toList())
            .build()));
    ProducerBuffer buffer = new ProducerBuffer(1000, 1L << 20, 500);
    KinesisHealth health = deploy(api, buffer);
    buffer.offer(new PendingRecord("only", new byte[] {1}));

    await().atMost(Duration.ofSeconds(30)).until(() -> buffer.depth() == 0);

    assertThat(calls).hasSize(4).allSatisfy(call -> assertThat(call).containsExactly("only"));
    assertThat(health.reachable()).isTrue();
  }

  @Test
  void aPutRecordsThatRefusesATenthOfItsEntries_doesNotHoldBackTheOtherRecords() throws Exception {
    // Every call: each entry refused with probability 0.1 (steady throttling of a hot shard). The answer runs on the
    // sender's context, one at a time, so one seeded Random is enough.
    Random random = new Random(42);
    List<Long> callTimes = new CopyOnWriteArrayList<>();
    KinesisApi api = scripted(request -> {
      callTimes.add(System.nanoTime());
      List<PutRecordsResultEntry> results = new ArrayList<>();
      int refused = 0;
      for (int i = 0; i < request.records().size(); i++) {
        if (random.nextInt(10) == 0) {
          refused++;
          results.add(PutRecordsResultEntry.builder().errorCode("ProvisionedThroughputExceededException").build());
        } else {
          results.add(PutRecordsResultEntry.builder().sequenceNumber("seq").shardId("shard").build());
        }
      }
      return CompletableFuture.completedFuture(PutRecordsResponse.builder()
          .failedRecordCount(refused).records(results).build());
    });
    ProducerBuffer buffer = new ProducerBuffer(20_000, 64L << 20, 500);
    // A cap far above what a record's own backoff reaches in a few rounds: pausing everything would show.
    Duration cap = Duration.ofSeconds(10);
    deploy(api, buffer, Duration.ofMillis(5), cap);
    int total = 10_000;
    for (int i = 0; i < total; i++) {
      assertThat(buffer.offer(new PendingRecord("m" + i, new byte[] {(byte) i})))
          .isEqualTo(ProducerBuffer.Offer.ACCEPTED);
    }

    await().atMost(Duration.ofSeconds(8)).until(() -> buffer.depth() == 0);

    Set<String> sent = new HashSet<>();
    calls.forEach(sent::addAll);
    assertThat(sent).hasSize(total);
    assertThat(registry.get("tracker.kinesis.records.sent").counter().count()).isEqualTo(total);
    assertThat(registry.get("tracker.kinesis.records.retried").counter().count()).isPositive();
    assertThat(calls.size()).as("20 full batches, plus retries riding along and a short tail").isBetween(20, 80);
    long longestGapMillis = 0;
    for (int i = 1; i < callTimes.size(); i++) {
      longestGapMillis = Math.max(longestGapMillis, (callTimes.get(i) - callTimes.get(i - 1)) / 1_000_000);
    }
    assertThat(longestGapMillis).as("no call waited anywhere near the backoff cap").isLessThan(cap.toMillis() / 5);
  }

  @Test
  void aCallThatFailsWhole_pausesTheWholeSender() throws Exception {
    KinesisApi api = scripted(request -> CompletableFuture.failedFuture(SdkClientException.create("connection reset")));
    assertSenderBacksOff(api);
  }

  @Test
  void aPutRecordsThatStoresNothing_pausesTheWholeSender() throws Exception {
    KinesisApi api = scripted(request -> CompletableFuture.completedFuture(PutRecordsResponse.builder()
        .failedRecordCount(request.records().size())
        .records(request.records().stream().map(e -> PutRecordsResultEntry.builder()
            .errorCode("ProvisionedThroughputExceededException").build()).toList())
        .build()));
    assertSenderBacksOff(api);
  }

  /** Kinesis refusing everything: calls come a backoff apart (about 50 ms here), not back to back. */
  private void assertSenderBacksOff(KinesisApi api) throws Exception {
    ProducerBuffer buffer = new ProducerBuffer(1000, 1L << 20, 500);
    shutdownTimeout = Duration.ofMillis(100); // nothing can be flushed
    deploy(api, buffer, Duration.ofMillis(50), Duration.ofMillis(100));
    buffer.offer(new PendingRecord("first", new byte[] {1}));
    await().atMost(Duration.ofSeconds(5)).until(() -> !calls.isEmpty());
    // New records arriving meanwhile are held back too.
    buffer.offer(new PendingRecord("second", new byte[] {2}));

    // Back to back, this would be thousands of calls; with a mean pause of ~50 ms, about 12.
    await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() -> calls.size() <= 40);

    assertThat(calls.size()).isGreaterThan(1);
    assertThat(buffer.depth()).as("nothing dropped").isEqualTo(2);
  }

  private KinesisHealth deploy(KinesisApi api, ProducerBuffer buffer) throws Exception {
    return deploy(api, buffer, Duration.ofMillis(10), Duration.ofMillis(50));
  }

  private KinesisHealth deploy(KinesisApi api, ProducerBuffer buffer, Duration retryBase, Duration retryCap)
      throws Exception {
    KinesisHealth health = new KinesisHealth();
    vertx.deployVerticle(new KinesisVerticle(api, buffer, "stream", Duration.ofMillis(5), 4, shutdownTimeout,
        new TrackerMetrics(registry), health, retryBase, retryCap))
        .await(30, TimeUnit.SECONDS);
    return health;
  }

  private KinesisApi scripted(java.util.function.Function<PutRecordsRequest,
      CompletableFuture<PutRecordsResponse>> answer) {
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
