package io.adtrack.tracker;

import com.google.common.base.Ticker;
import io.adtrack.conventions.Backoff;
import io.adtrack.tracker.cache.CacheVerticle;
import io.adtrack.tracker.cache.ProgramCache;
import io.adtrack.tracker.client.ClientReader;
import io.adtrack.tracker.config.TrackerConfig;
import io.adtrack.tracker.event.EventIntake;
import io.adtrack.tracker.event.RejectionDigest;
import io.adtrack.tracker.health.Readiness;
import io.adtrack.tracker.http.HttpVerticle;
import io.adtrack.tracker.http.ManagementVerticle;
import io.adtrack.tracker.kinesis.KinesisApi;
import io.adtrack.tracker.kinesis.KinesisConnection;
import io.adtrack.tracker.kinesis.KinesisHealth;
import io.adtrack.tracker.kinesis.KinesisVerticle;
import io.adtrack.tracker.kinesis.ProducerBuffer;
import io.adtrack.tracker.kinesis.PutRecordsBatches;
import io.adtrack.tracker.metrics.TrackerMetrics;
import io.adtrack.tracker.redis.RedisProgramSource;
import io.adtrack.tracker.redis.RedisVerticle;
import io.adtrack.tracker.redis.SubscriptionState;
import io.adtrack.tracker.traffic.BotUserAgents;
import io.adtrack.tracker.traffic.ClickDeduplicator;
import io.adtrack.tracker.traffic.TrafficClassifier;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The tracker: builds what the process shares (one L1 cache, one Redis command client, one Kinesis client, one
 * metrics registry) and deploys the verticles that use it. {@link Main} deploys it; tests deploy it on their own
 * Vert.x.
 *
 * <p>Start, in order, each only once the one before is up: L1's housekeeping, the Redis subscriber, the Kinesis
 * sender, HTTP_INSTANCES HTTP verticles on the public port, then the management verticle (health and metrics on
 * MANAGEMENT_PORT), last so that nothing reports ready before the public port listens. A failed listen (a port is
 * taken) fails the start; Redis or Kinesis being down does not: readiness reports it and the verticles keep
 * reconnecting.
 *
 * <p>Stop (undeploy, e.g. on SIGTERM): Vert.x first undeploys the verticles this one deployed, all at once, then
 * calls {@link #stop()}. The order that loses nothing holds anyway, because the sender closes the producer buffer
 * before it flushes it: whatever HTTP accepted before is sent within SHUTDOWN_TIMEOUT_SECONDS, and nothing is
 * accepted after (a call in that moment gets 503 + Retry-After). The subscriber closes its connection; then this
 * verticle tells the rejections of the last moments ({@link RejectionDigest}) and closes the clients they shared.
 */
public final class TrackerVerticle extends VerticleBase {

  /** A refused record, and the sender after a failed call: first retry within 100 ms, then up to 5 s apart. */
  private static final Backoff KINESIS_RETRY = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(5));
  /** How often the rejections of each program are told in the log. */
  private static final Duration REJECTION_DIGEST_INTERVAL = Duration.ofMinutes(1);

  private final TrackerConfig config;
  private final Ticker ticker = Ticker.systemTicker();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
  private final KinesisConnection kinesis;
  private final BotUserAgents bots;
  private final List<HttpVerticle> http = new CopyOnWriteArrayList<>();
  private final RejectionDigest rejections = new RejectionDigest();
  private volatile ManagementVerticle management;
  private Redis commands;

  /**
   * Reads the bot patterns and builds the Kinesis client on the caller's thread, the latter from the environment as
   * the AWS SDK reads it.
   *
   * @throws io.adtrack.conventions.ConfigurationException naming BOT_UA_FILE when that file is unreadable or invalid
   * @throws software.amazon.awssdk.core.exception.SdkClientException when the SDK finds a malformed endpoint override
   */
  public TrackerVerticle(TrackerConfig config) {
    this.config = config;
    this.bots = BotUserAgents.load(config.invalidTraffic().botUaFile());
    this.kinesis = KinesisConnection.open(config.kinesis());
    bindJvmMetrics();
  }

  @Override
  public Future<?> start() {
    commands = Redis.createClient(vertx, redisOptions().setMaxPoolSize(8).setMaxPoolWaiting(1024));
    TrackerMetrics metrics = new TrackerMetrics(registry);
    TrackerConfig.Kinesis kinesisSettings = config.kinesis();
    ProducerBuffer buffer = new ProducerBuffer(kinesisSettings.bufferMaxRecords(), kinesisSettings.bufferMaxBytes(),
        PutRecordsBatches.MAX_RECORDS, ticker);
    ProgramCache cache = ProgramCache.create(config.cache(),
        new RedisProgramSource(commands, config.redis().timeout(), metrics.redisLatency()), metrics, ticker);
    SubscriptionState subscription = new SubscriptionState();
    KinesisHealth kinesisHealth = new KinesisHealth();
    Readiness readiness = new Readiness(subscription, kinesisHealth, buffer);
    EventIntake intake = new EventIntake(cache, buffer, metrics, trafficClassifier(metrics), rejections);
    TrackerConfig.Clients clientSettings = config.clients();
    ClientReader clients = new ClientReader(clientSettings.trustedProxies(), clientSettings.ipAnonymization(),
        clientSettings.refererDetail());
    metrics.gauge("tracker.buffer.records", "Events accepted and not yet stored by Kinesis", buffer::depth);
    metrics.gauge("tracker.buffer.bytes", "Bytes of those events", buffer::depthBytes);
    metrics.gauge("tracker.cache.size", "Entries in L1 (programs, unknown ids, tombstones)", cache::size);
    metrics.gauge("tracker.cache.unknown.ids", "Entries in L1 for ids Redis did not know (NEGATIVE_CACHE_MAX_ENTRIES)",
        cache::unknownSize);
    metrics.gauge("tracker.redis.lookups.in.flight", "Redis lookups of uncached ids under way (capped by "
        + "REDIS_MAX_MISSES_IN_FLIGHT)", cache::loadsInFlight);
    KinesisVerticle sender = new KinesisVerticle(KinesisApi.of(kinesis.client()), buffer, kinesisSettings,
        KINESIS_RETRY, config.shutdownTimeout(), metrics, kinesisHealth, ticker);
    metrics.gauge("tracker.buffer.oldest.age", "Age of the oldest event accepted and not yet stored by Kinesis "
        + "(0: none)", "seconds", sender::oldestUnstoredAgeSeconds);
    management = new ManagementVerticle(config.management().port(), readiness, registry);
    vertx.setPeriodic(REJECTION_DIGEST_INTERVAL.toMillis(), id -> rejections.flush());

    return vertx.deployVerticle(new CacheVerticle(cache))
        .compose(id -> vertx.deployVerticle(new RedisVerticle(redisOptions().setMaxPoolSize(1), cache, subscription,
            config.redis().timeout())))
        .compose(id -> vertx.deployVerticle(sender))
        .compose(id -> vertx.deployVerticle(() -> {
          HttpVerticle instance = new HttpVerticle(config.http(), clients, intake);
          http.add(instance);
          return instance;
        }, new DeploymentOptions().setInstances(config.http().instances())))
        .compose(id -> vertx.deployVerticle(management))
        // Vert.x undeploys what did start; stop() is not called for a start that failed.
        .onFailure(e -> closeClients());
  }

  /**
   * The verticles this one deployed are stopped by now (see the class comment), so no call is refused any more: what
   * is left is the last rejections to tell, and the clients.
   */
  @Override
  public Future<?> stop() {
    rejections.flush();
    return closeClients();
  }

  /** What the bot patterns are, for the start-up log. */
  public String botPatterns() {
    return bots.describe();
  }

  private TrafficClassifier trafficClassifier(TrackerMetrics metrics) {
    TrackerConfig.InvalidTraffic settings = config.invalidTraffic();
    ClickDeduplicator clicks = settings.clickDedup().isZero() ? null
        : new ClickDeduplicator(commands, settings.clickDedup(), config.redis().timeout(), metrics);
    return new TrafficClassifier(bots, clicks, settings.mode(), metrics);
  }

  /** The public port bound (the configured one, or the one the OS chose for port 0); -1 before the start. */
  public int httpPort() {
    return http.isEmpty() ? -1 : http.get(0).actualPort();
  }

  /** The management port bound (health and metrics); -1 before the start. */
  public int managementPort() {
    return management == null ? -1 : management.actualPort();
  }

  /**
   * Where the events go: stream, region (said to be the local default when nothing named one) and the endpoint
   * override the AWS SDK found, for the start-up log.
   */
  public String kinesisTarget() {
    return "stream " + config.kinesis().eventStream() + " in " + kinesis.region()
        + kinesis.client().serviceClientConfiguration().endpointOverride().map(uri -> " via " + uri).orElse("");
  }

  private Future<Void> closeClients() {
    Future<Void> redis = commands == null ? Future.succeededFuture() : commands.close();
    return redis.eventually(() -> {
      kinesis.close();
      gcMetrics.close();
      registry.close();
      return Future.succeededFuture();
    });
  }

  /** Heap, GC pauses and allocation, threads, CPU: what ops need to size the task and read a latency spike. */
  private void bindJvmMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    gcMetrics.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  private RedisOptions redisOptions() {
    return new RedisOptions()
        .setConnectionString(config.redis().url().connectionString())
        .setNetClientOptions(new NetClientOptions()
            .setConnectTimeout((int) config.redis().timeout().toMillis())
            .setTcpKeepAlive(true)
            .setTcpNoDelay(true));
  }
}
