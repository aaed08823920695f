package io.adtrack.tracker;

import com.google.common.base.Ticker;
import io.adtrack.conventions.Backoff;
import io.adtrack.tracker.cache.CacheVerticle;
import io.adtrack.tracker.cache.ProgramCache;
import io.adtrack.tracker.client.ClientReader;
import io.adtrack.tracker.config.AckAfter;
import io.adtrack.tracker.config.TrackerConfig;
import io.adtrack.tracker.delivery.DeliveryPath;
import io.adtrack.tracker.delivery.SpoolDirectory;
import io.adtrack.tracker.event.EventIntake;
import io.adtrack.tracker.event.RejectionDigest;
import io.adtrack.tracker.health.Readiness;
import io.adtrack.tracker.http.HttpVerticle;
import io.adtrack.tracker.http.ManagementVerticle;
import io.adtrack.tracker.kinesis.KinesisApi;
import io.adtrack.tracker.kinesis.KinesisConnection;
import io.adtrack.tracker.kinesis.KinesisHealth;
import io.adtrack.tracker.kinesis.KinesisVerticle;
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
 * The tracker: builds what the process shares (one L1 cache, one Redis command client, one Kinesis client, the
 * delivery path ACK_AFTER chose, one metrics registry) and deploys the verticles that use it. {@link Main} deploys
 * it; tests deploy it on their own Vert.x.
 *
 * <p>Construction opens the spool (ACK_AFTER=spool), which scans what an earlier process left: a SPOOL_DIR that
 * cannot be used is a configuration error, before anything listens. Start, in order, each only once the one before
 * is up: L1's housekeeping, the Redis subscriber, the Kinesis sender (which at once sends whatever the spool held
 * unsent), HTTP_INSTANCES HTTP verticles on the public port, then the management verticle (health and metrics on
 * MANAGEMENT_PORT), last so that nothing reports ready before the public port listens. A failed listen (a port is
 * taken) fails the start; Redis or Kinesis being down does not: readiness reports it and the verticles keep
 * reconnecting.
 *
 * <p>Stop (undeploy, e.g. on SIGTERM): Vert.x first undeploys the verticles this one deployed, all at once, then
 * calls {@link #stop()}. The order that loses nothing holds anyway, because the sender closes its source (the buffer
 * or the spool) before it flushes it: whatever HTTP accepted before is sent within SHUTDOWN_TIMEOUT_SECONDS, and
 * nothing is accepted after (a call in that moment gets 503 + Retry-After). The subscriber closes its connection;
 * then this verticle tells the rejections of the last moments ({@link RejectionDigest}), closes the sink (the spool
 * saves its checkpoint: what Kinesis did not store is sent at the next start) and the clients they shared.
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
  /** The spool opened at construction (ACK_AFTER=spool), null in the other modes. */
  private final SpoolDirectory.Opened spool;
  private final BotUserAgents bots;
  private final List<HttpVerticle> http = new CopyOnWriteArrayList<>();
  private final RejectionDigest rejections = new RejectionDigest();
  private volatile ManagementVerticle management;
  private Redis commands;
  private DeliveryPath delivery;

  /**
   * Reads the bot patterns and builds the Kinesis client on the caller's thread, the latter from the environment as
   * the AWS SDK reads it, and opens the spool (blocking while it scans an earlier process' spool; the caller is
   * Main's thread or a test's, not an event loop).
   *
   * @throws io.adtrack.conventions.ConfigurationException naming BOT_UA_FILE when that file is unreadable or invalid
   * @throws software.amazon.awssdk.core.exception.SdkClientException when the SDK finds a malformed endpoint override
   * @throws io.adtrack.conventions.ConfigurationException             naming SPOOL_DIR when the spool cannot be
   *                                                                   opened there
   */
  public TrackerVerticle(TrackerConfig config) {
    this.config = config;
    this.bots = BotUserAgents.load(config.invalidTraffic().botUaFile());
    this.kinesis = KinesisConnection.open(config.kinesis());
    try {
      this.spool = config.delivery().ackAfter() == AckAfter.SPOOL
          ? SpoolDirectory.open(config.delivery(), config.http().port()) : null;
    } catch (RuntimeException e) {
      kinesis.close();
      throw e;
    }
    bindJvmMetrics();
  }

  @Override
  public Future<?> start() {
    commands = Redis.createClient(vertx, redisOptions().setMaxPoolSize(8).setMaxPoolWaiting(1024));
    TrackerMetrics metrics = new TrackerMetrics(registry);
    TrackerConfig.Kinesis kinesisSettings = config.kinesis();
    ProgramCache cache = ProgramCache.create(config.cache(),
        new RedisProgramSource(commands, config.redis().timeout(), metrics.redisLatency()), metrics, ticker);
    SubscriptionState subscription = new SubscriptionState();
    KinesisHealth kinesisHealth = new KinesisHealth();
    delivery = DeliveryPath.of(config, spool, vertx, kinesisHealth, ticker);
    Readiness readiness = new Readiness(subscription, delivery.sink());
    EventIntake intake = new EventIntake(cache, delivery.sink(), metrics, trafficClassifier(metrics), rejections);
    TrackerConfig.Clients clientSettings = config.clients();
    ClientReader clients = new ClientReader(clientSettings.trustedProxies(), clientSettings.ipAnonymization(),
        clientSettings.refererDetail());
    delivery.bindMetrics(metrics);
    metrics.gauge("tracker.cache.size", "Entries in L1 (programs, unknown ids, tombstones)", cache::size);
    metrics.gauge("tracker.cache.unknown.ids", "Entries in L1 for ids Redis did not know (NEGATIVE_CACHE_MAX_ENTRIES)",
        cache::unknownSize);
    metrics.gauge("tracker.redis.lookups.in.flight", "Redis lookups of uncached ids under way (capped by "
        + "REDIS_MAX_MISSES_IN_FLIGHT)", cache::loadsInFlight);
    management = new ManagementVerticle(config.management().port(), readiness, registry);
    vertx.setPeriodic(REJECTION_DIGEST_INTERVAL.toMillis(), id -> rejections.flush());

    return vertx.deployVerticle(new CacheVerticle(cache))
        .compose(id -> vertx.deployVerticle(new RedisVerticle(redisOptions().setMaxPoolSize(1), cache, subscription,
            config.redis().timeout())))
        .compose(id -> vertx.deployVerticle(new KinesisVerticle(KinesisApi.of(kinesis.client()), delivery.source(),
            kinesisSettings, KINESIS_RETRY, config.shutdownTimeout(), metrics, kinesisHealth, ticker)))
        .compose(id -> vertx.deployVerticle(() -> {
          HttpVerticle instance = new HttpVerticle(config.http(), clients, intake);
          http.add(instance);
          return instance;
        }, new DeploymentOptions().setInstances(config.http().instances())))
        .compose(id -> vertx.deployVerticle(management))
        // Vert.x undeploys what did start; stop() is not called for a start that failed. The start fails only once
        // the clients and the spool are closed, so a process that exits on it leaves nothing half written.
        .recover(failure -> closeClients().transform(closed -> Future.failedFuture(failure)));
  }

  /**
   * The verticles this one deployed are stopped by now (see the class comment), so no call is refused any more: what
   * is left is the last rejections to tell, the sink and the clients.
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

  /** ACK_AFTER and where accepted events wait (the spool's directory), for the start-up log. */
  public String deliveryDescription() {
    return switch (config.delivery().ackAfter()) {
      case SPOOL -> "answers once an event is in the spool " + spool.spool().directory()
          + (spool.spool().replayedAtStart() > 0
              ? " (" + spool.spool().replayedAtStart() + " events from an earlier run are sent again)" : "");
      case KINESIS -> "answers once Kinesis stored an event (ACK_TIMEOUT_MS " + config.delivery().ackTimeout()
          .toMillis() + ")";
      case MEMORY -> "answers once an event is in memory (lost if the process crashes)";
    };
  }

  private Future<Void> closeClients() {
    Future<Void> sink = delivery != null ? delivery.sink().close()
        : spool != null ? spool.spool().close() : Future.succeededFuture();
    Future<Void> redis = commands == null ? Future.succeededFuture() : commands.close();
    return Future.join(sink, redis).<Void>mapEmpty().eventually(() -> {
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
