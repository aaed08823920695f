package io.adtrack.tracker;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.adtrack.tracker.cache.CacheVerticle;
import io.adtrack.tracker.cache.ProgramCache;
import io.adtrack.tracker.cache.ProgramEntry;
import io.adtrack.tracker.config.TrackerConfig;
import io.adtrack.tracker.event.EventIntake;
import io.adtrack.tracker.health.Readiness;
import io.adtrack.tracker.http.HttpVerticle;
import io.adtrack.tracker.kinesis.KinesisApi;
import io.adtrack.tracker.kinesis.KinesisHealth;
import io.adtrack.tracker.kinesis.KinesisVerticle;
import io.adtrack.tracker.kinesis.ProducerBuffer;
import io.adtrack.tracker.kinesis.PutRecordsBatches;
import io.adtrack.tracker.metrics.TrackerMetrics;
import io.adtrack.tracker.redis.RedisProgramSource;
import io.adtrack.tracker.redis.RedisVerticle;
import io.adtrack.tracker.redis.SubscriptionState;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;

/**
 * The tracker wired together: one Guava cache, one Redis command client, one Kinesis client, one metrics registry
 * for the process, handed to the verticles. {@link Main} runs it; tests start it on their own Vert.x.
 */
public final class TrackerApplication {

  private static final Logger LOG = LoggerFactory.getLogger(TrackerApplication.class);
  /** Retry ceilings for PutRecords: first retry within 100 ms, then doubling up to 5 s between attempts. */
  private static final Duration KINESIS_RETRY_BASE = Duration.ofMillis(100);
  private static final Duration KINESIS_RETRY_CAP = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final TrackerConfig config;
  private final Redis commands;
  private final ScheduledThreadPoolExecutor kinesisTimers = kinesisTimers();
  private final KinesisAsyncClient kinesis;
  private final ProducerBuffer buffer;
  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
  private final AtomicInteger boundPort = new AtomicInteger();
  private String httpDeployment;
  private List<String> backendDeployments = List.of();

  private TrackerApplication(Vertx vertx, TrackerConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    bindJvmMetrics();
    this.commands = Redis.createClient(vertx, redisOptions(config)
        .setMaxPoolSize(8)
        .setMaxPoolWaiting(1024));
    this.kinesis = kinesisClient(config, kinesisTimers);
    this.buffer = new ProducerBuffer(config.bufferMaxRecords(), config.bufferMaxBytes(),
        PutRecordsBatches.MAX_RECORDS);
  }

  /**
   * Deploys the tracker. Fails when it cannot work at all (the port is taken); Redis or Kinesis being down is not
   * such a case: readiness reports it and the verticles keep reconnecting.
   */
  public static Future<TrackerApplication> start(Vertx vertx, TrackerConfig config) {
    TrackerApplication app = new TrackerApplication(vertx, config);
    return app.deploy()
        .map(app)
        .recover(failure -> app.stop().transform(ignored -> Future.failedFuture(failure)));
  }

  /** The HTTP port bound (the configured one, or the one the OS chose for port 0). */
  public int httpPort() {
    return boundPort.get();
  }

  /**
   * Stops in the order that loses nothing: stop accepting HTTP, then flush the producer (within
   * SHUTDOWN_TIMEOUT_SECONDS), then close the subscriber and the clients.
   */
  public Future<Void> stop() {
    Future<Void> http = httpDeployment == null ? Future.succeededFuture() : vertx.undeploy(httpDeployment);
    return http
        .recover(e -> logAndContinue("HTTP verticles did not stop cleanly", e))
        .compose(v -> undeployInReverse(backendDeployments))
        .eventually(() -> commands.close())
        .eventually(() -> {
          kinesis.close();
          kinesisTimers.shutdownNow();
          gcMetrics.close();
          registry.close();
          return Future.succeededFuture();
        })
        .mapEmpty();
  }

  /** Heap, GC pauses and allocation, threads, CPU: what ops need to size the task and read a latency spike. */
  private void bindJvmMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    gcMetrics.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  private Future<Void> deploy() {
    TrackerMetrics metrics = new TrackerMetrics(registry);
    Cache<String, ProgramEntry> guava = CacheBuilder.newBuilder()
        .maximumSize(config.cacheMaxEntries())
        .expireAfterWrite(config.cacheTtl())
        .build();
    ProgramCache cache = new ProgramCache(guava,
        new RedisProgramSource(commands, config.redisTimeout(), metrics.redisLatency()),
        config.negativeCacheTtl(), metrics);
    SubscriptionState subscription = new SubscriptionState();
    KinesisHealth kinesisHealth = new KinesisHealth();
    Readiness readiness = new Readiness(subscription, kinesisHealth, buffer);
    EventIntake intake = new EventIntake(cache, buffer, metrics);
    metrics.gauge("tracker.buffer.records", "Events accepted and not yet stored by Kinesis", buffer::depth);
    metrics.gauge("tracker.buffer.bytes", "Bytes of those events", buffer::depthBytes);
    metrics.gauge("tracker.cache.size", "Entries in L1 (programs, unknown ids, tombstones)", cache::size);

    KinesisVerticle sender = new KinesisVerticle(KinesisApi.of(kinesis), buffer, config.eventStream(),
        config.kinesisLinger(), config.kinesisMaxInFlight(), config.shutdownTimeout(), metrics, kinesisHealth,
        KINESIS_RETRY_BASE, KINESIS_RETRY_CAP);
    RedisVerticle subscriber = new RedisVerticle(redisOptions(config).setMaxPoolSize(1), cache, subscription,
        config.redisTimeout());
    return vertx.deployVerticle(new CacheVerticle(cache))
        .compose(cacheId -> vertx.deployVerticle(subscriber)
            .compose(redisId -> vertx.deployVerticle(sender)
                .map(kinesisId -> List.of(cacheId, redisId, kinesisId))))
        .compose(ids -> {
          backendDeployments = ids;
          return vertx.deployVerticle(() -> new HttpVerticle(config, intake, readiness, registry, boundPort),
              new DeploymentOptions().setInstances(config.httpInstances()));
        })
        .onSuccess(id -> httpDeployment = id)
        .mapEmpty();
  }

  private Future<Void> undeployInReverse(List<String> ids) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = ids.size() - 1; i >= 0; i--) {
      String id = ids.get(i);
      chain = chain.compose(v -> vertx.undeploy(id).recover(e -> logAndContinue("verticle " + id
          + " did not stop cleanly", e)));
    }
    return chain;
  }

  private static Future<Void> logAndContinue(String what, Throwable e) {
    // Shutting down: the remaining steps (flush, close) matter more than this one's failure.
    LOG.warn("{}; continuing shutdown", what, e);
    return Future.succeededFuture();
  }

  private static RedisOptions redisOptions(TrackerConfig config) {
    return new RedisOptions()
        .setConnectionString(config.redisUrl())
        .setNetClientOptions(new NetClientOptions()
            .setConnectTimeout((int) config.redisTimeout().toMillis())
            .setTcpKeepAlive(true)
            .setTcpNoDelay(true));
  }

  /**
   * The timers of the Kinesis client's call timeouts. The SDK schedules one per call and cancels it when the call
   * ends, but its own executor keeps a cancelled task queued until its 30 s are up, and with it the call's future
   * and the answer that completed it: at full load some 100 calls a second, each held 30 s, tenured and then
   * garbage that only a full collection frees. Here a cancelled timer leaves the queue at once.
   */
  static ScheduledThreadPoolExecutor kinesisTimers() {
    ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1,
        new ThreadFactoryBuilder().setNameFormat("kinesis-call-timeouts").setDaemon(true).build());
    timers.setRemoveOnCancelPolicy(true);
    return timers;
  }

  /**
   * The process' one Kinesis client: Netty HTTP client passed explicitly, no SDK retries (we retry ourselves). Its
   * futures complete on the SDK's I/O thread rather than after a hop through the SDK's own completion pool: the
   * one thing that waits on them, the Kinesis sender, only hands the result over to its Vert.x context.
   */
  private static KinesisAsyncClient kinesisClient(TrackerConfig config, ScheduledExecutorService timers) {
    KinesisAsyncClientBuilder builder = KinesisAsyncClient.builder()
        .region(Region.of(config.awsRegion()))
        .httpClientBuilder(NettyNioAsyncHttpClient.builder()
            // The Kinesis client defaults to HTTP/2 (for SubscribeToShard); PutRecords needs none of it, and the
            // emulators speak HTTP/1.1 only.
            .protocol(Protocol.HTTP1_1)
            // PutRecords of up to 500 records, a hundred or so a second at full load: one I/O thread carries that,
            // where Netty's default of two per core only adds threads competing with the HTTP event loops.
            .eventLoopGroupBuilder(SdkEventLoopGroup.builder().numberOfThreads(1))
            // No more connections than calls in flight: each pooled connection keeps its last request and
            // answer (up to 5 MiB each) reachable until it is used again, and a rarely used one holds them long
            // enough to be tenured, filling the old generation with garbage only a full collection frees.
            .maxConcurrency(config.kinesisMaxInFlight())
            .connectionTimeout(Duration.ofSeconds(2))
            .connectionAcquisitionTimeout(Duration.ofSeconds(10)))
        .overrideConfiguration(o -> o
            .retryStrategy(b -> b.maxAttempts(1))
            .apiCallTimeout(Duration.ofSeconds(30))
            .scheduledExecutorService(timers))
        .asyncConfiguration(a -> a.advancedOption(SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR,
            Runnable::run));
    config.kinesisEndpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }
}
