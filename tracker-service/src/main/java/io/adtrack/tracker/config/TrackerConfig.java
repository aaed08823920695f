package io.adtrack.tracker.config;

import io.adtrack.conventions.ConfigurationException;
import io.adtrack.conventions.Environment;
import io.adtrack.conventions.RedisUrl;
import io.adtrack.tracker.client.IpAnonymization;
import io.adtrack.tracker.client.RefererDetail;
import io.adtrack.tracker.traffic.InvalidTrafficMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of the tracker, read once at start-up from environment variables (docs/configuration.md) and passed
 * to the verticles, grouped by the part that uses it. Defaults work for the local pipeline. The region, credentials
 * and a Kinesis endpoint override (AWS_REGION, AWS_ENDPOINT_URL_KINESIS, AWS_ENDPOINT_URL) are the AWS SDK's to read
 * (the region defaulting to us-east-1, {@link io.adtrack.conventions.AwsRegion}).
 * A {@link RedisUrl} shows itself redacted, so the record's own {@code toString()} is safe to log.
 *
 * @param http            the public port
 * @param management      the management port: health and metrics
 * @param clients         who a call's client is, and what of it an event keeps
 * @param redis           where core data is read and its changes announced
 * @param cache           L1, the in-process cache of core data
 * @param kinesis         where tracking events go, and how they are batched and buffered on the way
 * @param shutdownTimeout SHUTDOWN_TIMEOUT_SECONDS: deadline for flushing the buffer on SIGTERM
 * @param peers           names of the other parts, for reference
 * @param invalidTraffic  what counts as traffic no person made, and what happens to it
 */
public record TrackerConfig(Http http, Management management, Clients clients, Redis redis, Cache cache,
    Kinesis kinesis, Duration shutdownTimeout, Peers peers, InvalidTraffic invalidTraffic) {

  /**
   * Every environment variable the tracker's process needs set; the deployment templates must name each one.
   * AWS_REGION is read by the AWS SDK, not here; without it, a deployed tracker would send to the local default
   * region ({@link io.adtrack.conventions.AwsRegion}). BOT_UA_FILE is read too but optional: unset, the tracker uses
   * the bot patterns shipped in its jar.
   */
  public static final List<String> ENVIRONMENT_VARIABLES = List.of(
      "HTTP_PORT", "HTTP_INSTANCES", "MAX_BODY_BYTES", "MAX_EVENTS_PER_REQUEST", "CORS_ALLOWED_ORIGINS",
      "MANAGEMENT_PORT", "TRUSTED_PROXIES", "IP_ANONYMIZATION", "REFERER_DETAIL", "REDIS_URL", "REDIS_TIMEOUT_MS",
      "CACHE_MAX_ENTRIES", "CACHE_TTL_SECONDS", "NEGATIVE_CACHE_TTL_SECONDS", "EVENT_STREAM", "KINESIS_LINGER_MS",
      "KINESIS_BUFFER_MAX_RECORDS", "KINESIS_BUFFER_MAX_BYTES", "KINESIS_MAX_IN_FLIGHT", "SHUTDOWN_TIMEOUT_SECONDS",
      "CORE_DATA_STREAM", "EVENT_TABLE", "AWS_REGION", "NEGATIVE_CACHE_MAX_ENTRIES", "REDIS_MAX_MISSES_IN_FLIGHT",
      "INVALID_TRAFFIC", "CLICK_DEDUP_SECONDS");

  /**
   * The public port.
   *
   * @param port                HTTP_PORT: where tracking calls arrive (0: any free port)
   * @param instances           HTTP_INSTANCES: HttpVerticle instances (default: one per core)
   * @param maxBodyBytes        MAX_BODY_BYTES: POST /events body limit (then 413)
   * @param maxEventsPerRequest MAX_EVENTS_PER_REQUEST: events in one POST /events (then 413)
   * @param corsAllowedOrigins  CORS_ALLOWED_ORIGINS: web origins whose pages may read answers and POST JSON
   */
  public record Http(int port, int instances, int maxBodyBytes, int maxEventsPerRequest,
      CorsOrigins corsAllowedOrigins) {

    static Http from(Environment env) {
      return new Http(
          env.integer("HTTP_PORT", 8080, 0, 65_535),
          env.integer("HTTP_INSTANCES", Runtime.getRuntime().availableProcessors(), 1, 256),
          env.integer("MAX_BODY_BYTES", 1 << 20, 1_024, 64 << 20),
          env.integer("MAX_EVENTS_PER_REQUEST", 500, 1, 100_000),
          CorsOrigins.parse("CORS_ALLOWED_ORIGINS", env.string("CORS_ALLOWED_ORIGINS", "*")));
    }
  }

  /**
   * The management port: liveness, readiness and Prometheus metrics for the load balancer's health check, the
   * container's own check and the metrics collector; never for ad clients (docs/contracts.md, "The management port").
   *
   * @param port MANAGEMENT_PORT: where /health/* and /metrics are served (0: any free port); never HTTP_PORT
   */
  public record Management(int port) {

    static Management from(Environment env, Http http) {
      int port = env.integer("MANAGEMENT_PORT", 8081, 0, 65_535);
      if (port != 0 && port == http.port()) {
        throw new ConfigurationException("MANAGEMENT_PORT", "MANAGEMENT_PORT=" + port + " is HTTP_PORT as well: "
            + "health and metrics need a port of their own, off the public path");
      }
      return new Management(port);
    }
  }

  /**
   * The caller behind a tracking call, and what of it reaches the event (docs/privacy.md).
   *
   * @param trustedProxies  TRUSTED_PROXIES: reverse proxies in front of the tracker that append to X-Forwarded-For
   *                        (the ALB is one); the client IP is the hop left of them
   * @param ipAnonymization IP_ANONYMIZATION: what is left of the client IP in the event
   * @param refererDetail   REFERER_DETAIL: how much of the Referer the event keeps
   */
  public record Clients(int trustedProxies, IpAnonymization ipAnonymization, RefererDetail refererDetail) {

    static Clients from(Environment env) {
      return new Clients(
          env.integer("TRUSTED_PROXIES", 0, 0, 16),
          env.choice("IP_ANONYMIZATION", IpAnonymization.TRUNCATE),
          env.choice("REFERER_DETAIL", RefererDetail.PATH));
    }
  }

  /**
   * Redis, the L2 of core data.
   *
   * @param url     REDIS_URL: {@code redis://} or {@code rediss://}, password allowed
   * @param timeout REDIS_TIMEOUT_MS: how long a cache miss may wait for Redis before answering 503
   */
  public record Redis(RedisUrl url, Duration timeout) {

    static Redis from(Environment env) {
      return new Redis(env.redisUrl("REDIS_URL", "redis://localhost:6379"),
          env.millis("REDIS_TIMEOUT_MS", 500, 1, 60_000));
    }
  }

  /**
   * L1, and how much of Redis a stream of misses may take.
   *
   * @param maxEntries         CACHE_MAX_ENTRIES: bound of the cache of programs and tombstones
   * @param ttl                CACHE_TTL_SECONDS: entry lifetime after write
   * @param negativeTtl        NEGATIVE_CACHE_TTL_SECONDS: how long an unknown program id stays known-unknown
   * @param negativeMaxEntries NEGATIVE_CACHE_MAX_ENTRIES: bound of the separate cache of unknown ids, so invented
   *                           ids never evict a known program
   * @param maxMissesInFlight  REDIS_MAX_MISSES_IN_FLIGHT: Redis lookups for different uncached ids under way at once;
   *                           a miss beyond them answers 503 + Retry-After
   */
  public record Cache(long maxEntries, Duration ttl, Duration negativeTtl, long negativeMaxEntries,
      int maxMissesInFlight) {

    static Cache from(Environment env) {
      return new Cache(
          env.integer("CACHE_MAX_ENTRIES", 100_000, 1, Integer.MAX_VALUE),
          env.seconds("CACHE_TTL_SECONDS", 600, 1, 86_400),
          env.seconds("NEGATIVE_CACHE_TTL_SECONDS", 5, 1, 3_600),
          env.integer("NEGATIVE_CACHE_MAX_ENTRIES", 10_000, 1, 10_000_000),
          // At most the command client's wait queue (TrackerVerticle), which click deduplication shares.
          env.integer("REDIS_MAX_MISSES_IN_FLIGHT", 128, 1, 1_000));
    }
  }

  /**
   * The event stream and the producer buffer in front of it.
   *
   * @param eventStream      EVENT_STREAM: the stream tracking events go to
   * @param linger           KINESIS_LINGER_MS: how long a partial PutRecords batch may wait for more records
   * @param bufferMaxRecords KINESIS_BUFFER_MAX_RECORDS: producer buffer bound in records (then 503)
   * @param bufferMaxBytes   KINESIS_BUFFER_MAX_BYTES: producer buffer bound in bytes (then 503)
   * @param maxInFlight      KINESIS_MAX_IN_FLIGHT: concurrent PutRecords calls
   */
  public record Kinesis(String eventStream, Duration linger, int bufferMaxRecords, long bufferMaxBytes,
      int maxInFlight) {

    static Kinesis from(Environment env) {
      return new Kinesis(
          env.string("EVENT_STREAM", "tracking-events"),
          env.millis("KINESIS_LINGER_MS", 20, 0, 10_000),
          env.integer("KINESIS_BUFFER_MAX_RECORDS", 100_000, 1, 10_000_000),
          env.longInteger("KINESIS_BUFFER_MAX_BYTES", 64L << 20, 1L << 20, 4L << 30),
          env.integer("KINESIS_MAX_IN_FLIGHT", 8, 1, 256));
    }
  }

  /**
   * Names of the parts around the tracker, which it does not use itself: read so one task definition describes
   * the whole pipeline, and logged at start.
   *
   * @param coreDataStream CORE_DATA_STREAM: the stream core-data publishers write
   * @param eventTable     EVENT_TABLE: the DynamoDB table the consumer persists the events to
   */
  public record Peers(String coreDataStream, String eventTable) {

    static Peers from(Environment env) {
      return new Peers(env.string("CORE_DATA_STREAM", "core-data-updates"),
          env.string("EVENT_TABLE", "tracking-events"));
    }
  }

  /**
   * Traffic no person made (docs/invalid-traffic.md): how it is recognised and what happens to it.
   *
   * @param mode       INVALID_TRAFFIC: {@code flag} forwards such events with their reason, {@code drop} only counts
   *                   them; the caller gets the same answer either way
   * @param botUaFile  BOT_UA_FILE: user-agent patterns replacing the list shipped in the jar; empty for that list
   * @param clickDedup CLICK_DEDUP_SECONDS: a client's further clicks on a program within this window are
   *                   duplicates, across every task sharing the Redis; zero turns the check off
   */
  public record InvalidTraffic(InvalidTrafficMode mode, Optional<Path> botUaFile, Duration clickDedup) {

    static InvalidTraffic from(Environment env) {
      return new InvalidTraffic(
          env.choice("INVALID_TRAFFIC", InvalidTrafficMode.FLAG),
          env.optionalPath("BOT_UA_FILE"),
          env.seconds("CLICK_DEDUP_SECONDS", 10, 0, 3_600));
    }
  }

  /** The configuration of the local pipeline: every default. */
  public static TrackerConfig defaults() {
    return fromEnvironment(Environment.of(Map.of()));
  }

  /**
   * Reads the configuration from the environment.
   *
   * @throws io.adtrack.conventions.ConfigurationException naming the variable when a value is malformed or out of
   *                                                       range
   */
  public static TrackerConfig fromEnvironment(Environment env) {
    Http http = Http.from(env);
    return new TrackerConfig(http, Management.from(env, http), Clients.from(env), Redis.from(env), Cache.from(env),
        Kinesis.from(env), env.seconds("SHUTDOWN_TIMEOUT_SECONDS", 25, 1, 600), Peers.from(env),
        InvalidTraffic.from(env));
  }
}
