package io.adtrack.tracker.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.adtrack.conventions.Backoff;
import io.adtrack.testkit.FreePorts;
import io.adtrack.testkit.SystemProperties;
import io.adtrack.tracker.ManualTicker;
import io.adtrack.tracker.config.TrackerConfig;
import io.adtrack.tracker.metrics.TrackerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context.BeforeExecution;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * The sender's start: the client's first call, which sets up most of the AWS SDK before it returns, is made on a
 * worker thread, never on an event loop, and Kinesis being down or silent fails no start.
 */
class KinesisVerticleStartTest {

  private static final TrackerConfig.Kinesis SETTINGS = new TrackerConfig.Kinesis("stream", Duration.ofMillis(5),
      1000, 1L << 20, 4);
  private static final String NOT_CHECKED = new KinesisHealth().problem();

  private final Vertx vertx = Vertx.vertx();
  private final ManualTicker ticker = new ManualTicker();
  private final KinesisHealth health = new KinesisHealth();
  private final List<Call> calls = new CopyOnWriteArrayList<>();

  /** Where a call was made from: its operation, and whether on a worker thread or an event loop. */
  private record Call(String operation, boolean onWorker, boolean onEventLoop) {

    static Call here(String operation) {
      return new Call(operation, Context.isOnWorkerThread(), Context.isOnEventLoopThread());
    }
  }

  @AfterEach
  void closeVertx() {
    vertx.close().await();
  }

  @Test
  void theRealClientsFirstCall_isPreparedOnAWorkerThread_evenWithKinesisDown() throws Exception {
    ExecutionInterceptor watcher = new ExecutionInterceptor() {
      @Override
      public void beforeExecution(BeforeExecution context, ExecutionAttributes attributes) {
        calls.add(Call.here(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)));
      }
    };
    try (KinesisConnection down = SystemProperties.during(Map.of(SystemProperties.KINESIS_ENDPOINT,
        "http://localhost:" + FreePorts.next()), () -> KinesisConnection.open(SETTINGS, List.of(watcher)))) {

      deploy(KinesisApi.of(down.client()));

      assertThat(calls).first().isEqualTo(new Call("DescribeStreamSummary", true, false));
      await().atMost(Duration.ofSeconds(30)).until(() -> !health.problem().equals(NOT_CHECKED));
      assertThat(health.reachable()).isFalse();
    }
  }

  @Test
  void theStart_waitsForTheFirstProbeToBeSent_notAnswered() throws Exception {
    deploy(probing(() -> new CompletableFuture<>()));

    assertThat(calls).containsExactly(new Call("probe", true, false));
    assertThat(health.problem()).isEqualTo(NOT_CHECKED);
  }

  @Test
  void aProbeThatThrows_isAFailedProbe_notAFailedStart() throws Exception {
    deploy(probing(() -> {
      throw new IllegalStateException("no route to Kinesis");
    }));

    await().atMost(Duration.ofSeconds(30)).until(() -> health.problem().equals("IllegalStateException"));
    assertThat(health.reachable()).isFalse();
  }

  @Test
  void anAnsweredProbe_makesKinesisReachable() throws Exception {
    deploy(probing(() -> CompletableFuture.completedFuture(null)));

    await().atMost(Duration.ofSeconds(30)).until(health::reachable);
  }

  private void deploy(KinesisApi api) throws Exception {
    ProducerBuffer buffer = new ProducerBuffer(1000, 1L << 20, 500, ticker);
    vertx.deployVerticle(new KinesisVerticle(api, buffer, SETTINGS, Backoff.exponential(Duration.ofMillis(10),
        Duration.ofMillis(50)), Duration.ofSeconds(5), new TrackerMetrics(new SimpleMeterRegistry()), health,
        ticker)).await(30, TimeUnit.SECONDS);
  }

  /** A Kinesis whose probe answers as {@code answer} says; no records are offered, so no PutRecords is made. */
  private KinesisApi probing(Supplier<CompletableFuture<?>> answer) {
    return new KinesisApi() {
      @Override
      public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
        throw new AssertionError("nothing was offered");
      }

      @Override
      public CompletableFuture<?> probe(String stream) {
        calls.add(Call.here("probe"));
        return answer.get();
      }
    };
  }
}
