package io.adtrack.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.adtrack.bench.baseline.BaselineServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The generator against real servers over real connections; no assertion depends on how fast the machine is. */
class LoadGeneratorTest {

  private static final int SLOW_MILLIS = 50;
  private static final int SLOW_START_REQUESTS = 5;

  private static Vertx vertx;
  private static LoadGenerator generator;
  private static int baselinePort;
  private static int slowPort;
  private static int slowStartPort;

  @BeforeAll
  static void startServers() throws Exception {
    vertx = Vertx.vertx();
    generator = new LoadGenerator(2);
    baselinePort = io.adtrack.testkit.FreePorts.next();
    BaselineServer.deploy(vertx, baselinePort, 300, 1).toCompletionStage().toCompletableFuture().get();
    // Answers every request SLOW_MILLIS late: with one connection, requests must queue behind each other.
    HttpServer slow = vertx.createHttpServer()
        .requestHandler(request -> vertx.setTimer(SLOW_MILLIS, id -> request.response().end("ok")))
        .listen(0).toCompletionStage().toCompletableFuture().get();
    slowPort = slow.actualPort();
    // Answers its first SLOW_START_REQUESTS requests 300 ms late, every later one at once.
    AtomicInteger received = new AtomicInteger();
    HttpServer slowStart = vertx.createHttpServer()
        .requestHandler(request -> {
          if (received.incrementAndGet() <= SLOW_START_REQUESTS) {
            vertx.setTimer(300, id -> request.response().end("ok"));
          } else {
            request.response().end("ok");
          }
        })
        .listen(0).toCompletionStage().toCompletableFuture().get();
    slowStartPort = slowStart.actualPort();
  }

  @AfterAll
  static void stopServers() throws Exception {
    generator.close();
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  @Test
  void shouldCountEveryAnswerByStatus_inAClosedLoopRound() {
    RequestMix mix = RequestMix.click(List.of("p1", "p2"));

    LoadResult result = generator.closedLoop("baseline", "localhost", baselinePort, 4, mix, Duration.ofMillis(300));

    assertThat(result.errors()).isZero();
    assertThat(result.statusCounts()).containsOnlyKeys(302);
    assertThat(result.answered()).isPositive().isEqualTo(result.latencyMicros().getTotalCount());
    assertThat(result.acknowledged()).isEqualTo(result.answered());
    assertThat(result.requestsPerSecond()).isPositive();
  }

  @Test
  void shouldMeasureFromTheIntendedSendTime_whenRequestsQueueBehindASlowServer() {
    // 20 requests planned over 0.4 s, one connection, each answer >= 50 ms: they take >= 1 s in a row, so the
    // last one, planned at ~0.38 s, cannot be answered before ~1 s: >= 0.55 s after its intended time, although
    // its own round trip (service time) is ~50 ms.
    RequestMix mix = RequestMix.event(List.of("p"));

    LoadResult result = generator.constantRate("slow", "localhost", slowPort, 1, mix, 50, Duration.ofMillis(400));

    assertThat(result.answered()).isEqualTo(20);
    assertThat(result.latencyMicros().getTotalCount()).isEqualTo(20);
    long requiredQueueing = 20L * SLOW_MILLIS * 1000 - 400_000 - 50_000;
    assertThat(result.latencyMicros().getMaxValue()).isGreaterThanOrEqualTo(requiredQueueing);
    assertThat(result.latencyMicros().getMaxValue()).isGreaterThanOrEqualTo(result.serviceMicros().getMaxValue());
    assertThat(result.serviceMicros().getMinValue()).isGreaterThanOrEqualTo(SLOW_MILLIS * 1000L);
  }

  @Test
  void shouldRecordNoLatencyOfTheSettlePeriod_butCountItsAnswers() {
    // 50/s: 10 requests planned in the 0.2 s settle period (the server's 5 slow answers among them, 8 connections
    // so none queues behind them), then 20 measured ones, all answered at once.
    RequestMix mix = RequestMix.event(List.of("p"));

    LoadResult result = generator.constantRate("slow-start", "localhost", slowStartPort, 8, mix, 50,
        Duration.ofMillis(200), Duration.ofMillis(400));

    assertThat(result.answered()).isEqualTo(30);
    assertThat(result.latencyMicros().getTotalCount()).isEqualTo(20);
    assertThat(result.serviceMicros().getTotalCount()).isEqualTo(20);
  }

  @Test
  void shouldRecordEachLatencyFromItsIntendedTime_andNoneMeantForBeforeTheMeasuredPart() {
    // A clock that stands still while the answers come in: every latency recorded is exactly known.
    AtomicLong clock = new AtomicLong(1_000_000_000L);
    long start = clock.get();
    GeneratorWorker worker = new GeneratorWorker("localhost", baselinePort, 4, RequestMix.event(List.of("p")), 1,
        clock::get);
    vertx.deployVerticle(worker).await();
    long[] intended = {start, start + millis(10), start + millis(200), start + millis(220), start + millis(240)};
    worker.measureFrom(start + millis(200));
    clock.set(start + millis(1_000));

    worker.execute(() -> worker.sendAll(intended));
    worker.drain().await();
    GeneratorWorker.Measured measured = worker.measured().await();

    assertThat(measured.statuses()[200]).as("every answer counted").isEqualTo(5);
    assertThat(measured.latency().getTotalCount()).as("only the three meant for the measured part").isEqualTo(3);
    Histogram latency = measured.latency();
    assertThat(latency.valuesAreEquivalent(latency.getMinValue(), 760_000)).as("min %d µs", latency.getMinValue())
        .isTrue();
    assertThat(latency.valuesAreEquivalent(latency.getMaxValue(), 800_000)).as("max %d µs", latency.getMaxValue())
        .isTrue();
    assertThat(measured.service().getMaxValue()).as("sent and answered at the same instant").isZero();
    vertx.undeploy(worker.deploymentID()).await();
  }

  private static long millis(long millis) {
    return Duration.ofMillis(millis).toNanos();
  }
}
