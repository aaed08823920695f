package io.adtrack.tracker.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.adtrack.tracker.metrics.TrackerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

  private KinesisHealth deploy(KinesisApi api, ProducerBuffer buffer) throws Exception {
    KinesisHealth health = new KinesisHealth();
    vertx.deployVerticle(new KinesisVerticle(api, buffer, "stream", Duration.ofMillis(5), 4, Duration.ofSeconds(5),
        new TrackerMetrics(registry), health, Duration.ofMillis(10), Duration.ofMillis(50)))
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
