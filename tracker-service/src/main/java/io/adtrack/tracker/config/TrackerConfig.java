package io.adtrack.tracker.config;

import io.adtrack.tracker.client.IpAnonymization;
import io.adtrack.tracker.client.RefererDetail;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every setting of the tracker, read once at start-up from environment variables (see the README's configuration
 * table) and passed to the verticles. Defaults work for the local pipeline.
 *
 * @param httpPort              HTTP_PORT: where tracking calls arrive
 * @param httpInstances         HTTP_INSTANCES: HttpVerticle instances (default: one per core)
 * @param redisUrl              REDIS_URL: {@code redis://} or {@code rediss://}, password allowed
 * @param redisTimeout          REDIS_TIMEOUT_MS: how long a cache miss may wait for Redis before answering 503
 * @param awsRegion             AWS_REGION
 * @param kinesisEndpoint       AWS_ENDPOINT_URL_KINESIS, else AWS_ENDPOINT_URL: emulator endpoint, empty for AWS
 * @param eventStream           EVENT_STREAM: Kinesis stream the tracking events go to
 * @param coreDataStream        CORE_DATA_STREAM: stream the core-data publishers write (for reference and ops)
 * @param eventTable            EVENT_TABLE: DynamoDB table the consumer persists to (for reference and ops)
 * @param cacheMaxEntries       CACHE_MAX_ENTRIES: L1 (Guava) cache bound
 * @param cacheTtl              CACHE_TTL_SECONDS: L1 entry lifetime after write
 * @param negativeCacheTtl      NEGATIVE_CACHE_TTL_SECONDS: how long an unknown program id stays known-unknown
 * @param kinesisLinger         KINESIS_LINGER_MS: how long a partial PutRecords batch may wait for more records
 * @param bufferMaxRecords      KINESIS_BUFFER_MAX_RECORDS: producer buffer bound in records (then 503)
 * @param bufferMaxBytes        KINESIS_BUFFER_MAX_BYTES: producer buffer bound in bytes (then 503)
 * @param kinesisMaxInFlight    KINESIS_MAX_IN_FLIGHT: concurrent PutRecords calls
 * @param shutdownTimeout       SHUTDOWN_TIMEOUT_SECONDS: deadline for flushing the buffer on SIGTERM
 * @param maxBodyBytes          MAX_BODY_BYTES: POST /events body limit (then 413)
 * @param maxEventsPerRequest   MAX_EVENTS_PER_REQUEST: events in one POST /events (then 413)
 * @param corsAllowedOrigins    CORS_ALLOWED_ORIGINS: web origins whose pages may read answers and POST JSON
 * @param trustedProxies        TRUSTED_PROXIES: reverse proxies in front of the tracker that append to
 *                              X-Forwarded-For (the ALB is one); the client IP is the hop left of them
 * @param ipAnonymization       IP_ANONYMIZATION: what is left of the client IP in the event
 * @param refererDetail         REFERER_DETAIL: how much of the Referer the event keeps
 */
public record TrackerConfig(
    int httpPort,
    int httpInstances,
    String redisUrl,
    Duration redisTimeout,
    String awsRegion,
    Optional<URI> kinesisEndpoint,
    String eventStream,
    String coreDataStream,
    String eventTable,
    long cacheMaxEntries,
    Duration cacheTtl,
    Duration negativeCacheTtl,
    Duration kinesisLinger,
    int bufferMaxRecords,
    long bufferMaxBytes,
    int kinesisMaxInFlight,
    Duration shutdownTimeout,
    int maxBodyBytes,
    int maxEventsPerRequest,
    CorsOrigins corsAllowedOrigins,
    int trustedProxies,
    IpAnonymization ipAnonymization,
    RefererDetail refererDetail) {

  /** Every environment variable the tracker reads; the deployment templates must name each one. */
  public static final List<String> ENVIRONMENT_VARIABLES = List.of(
      "HTTP_PORT", "HTTP_INSTANCES", "REDIS_URL", "REDIS_TIMEOUT_MS", "AWS_REGION", "AWS_ENDPOINT_URL_KINESIS",
      "AWS_ENDPOINT_URL", "EVENT_STREAM", "CORE_DATA_STREAM", "EVENT_TABLE", "CACHE_MAX_ENTRIES",
      "CACHE_TTL_SECONDS", "NEGATIVE_CACHE_TTL_SECONDS", "KINESIS_LINGER_MS", "KINESIS_BUFFER_MAX_RECORDS",
      "KINESIS_BUFFER_MAX_BYTES", "KINESIS_MAX_IN_FLIGHT", "SHUTDOWN_TIMEOUT_SECONDS", "MAX_BODY_BYTES",
      "MAX_EVENTS_PER_REQUEST", "CORS_ALLOWED_ORIGINS", "TRUSTED_PROXIES", "IP_ANONYMIZATION", "REFERER_DETAIL");

  /** {@link #redisUrl()} without its user info, safe to log. */
  public String redisUrlForLogs() {
    URI uri = URI.create(redisUrl);
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
  }

  /** Like the record's own, but with {@link #redisUrlForLogs()}: a logged config must not leak the password. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("TrackerConfig[");
    for (RecordComponent component : TrackerConfig.class.getRecordComponents()) {
      Object value;
      try {
        value = "redisUrl".equals(component.getName()) ? redisUrlForLogs() : component.getAccessor().invoke(this);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("record accessor not callable: " + component.getName(), e);
      }
      text.append(text.length() > "TrackerConfig[".length() ? ", " : "").append(component.getName()).append('=')
          .append(value);
    }
    return text.append(']').toString();
  }

  /** The configuration of the local pipeline: every default. */
  public static TrackerConfig defaults() {
    return fromEnvironment(Map.of());
  }

  /**
   * Reads the configuration from the given environment ({@code System.getenv()} in {@code main}).
   *
   * @throws IllegalArgumentException naming the variable when a value is malformed or out of range
   */
  public static TrackerConfig fromEnvironment(Map<String, String> env) {
    Reader read = new Reader(env);
    return new TrackerConfig(
        read.integer("HTTP_PORT", 8080, 0, 65_535),
        read.integer("HTTP_INSTANCES", Runtime.getRuntime().availableProcessors(), 1, 256),
        read.redisUrl("REDIS_URL", "redis://localhost:6379"),
        Duration.ofMillis(read.integer("REDIS_TIMEOUT_MS", 500, 1, 60_000)),
        read.string("AWS_REGION", "us-east-1"),
        read.optionalUri("AWS_ENDPOINT_URL_KINESIS").or(() -> read.optionalUri("AWS_ENDPOINT_URL")),
        read.string("EVENT_STREAM", "tracking-events"),
        read.string("CORE_DATA_STREAM", "core-data-updates"),
        read.string("EVENT_TABLE", "tracking-events"),
        read.integer("CACHE_MAX_ENTRIES", 100_000, 1, Integer.MAX_VALUE),
        Duration.ofSeconds(read.integer("CACHE_TTL_SECONDS", 600, 1, 86_400)),
        Duration.ofSeconds(read.integer("NEGATIVE_CACHE_TTL_SECONDS", 5, 1, 3_600)),
        Duration.ofMillis(read.integer("KINESIS_LINGER_MS", 20, 0, 10_000)),
        read.integer("KINESIS_BUFFER_MAX_RECORDS", 100_000, 1, 10_000_000),
        read.longValue("KINESIS_BUFFER_MAX_BYTES", 64L << 20, 1L << 20, 4L << 30),
        read.integer("KINESIS_MAX_IN_FLIGHT", 8, 1, 256),
        Duration.ofSeconds(read.integer("SHUTDOWN_TIMEOUT_SECONDS", 25, 1, 600)),
        read.integer("MAX_BODY_BYTES", 1 << 20, 1_024, 64 << 20),
        read.integer("MAX_EVENTS_PER_REQUEST", 500, 1, 100_000),
        CorsOrigins.parse("CORS_ALLOWED_ORIGINS", read.string("CORS_ALLOWED_ORIGINS", "*")),
        read.integer("TRUSTED_PROXIES", 0, 0, 16),
        read.choice("IP_ANONYMIZATION", IpAnonymization.TRUNCATE),
        read.choice("REFERER_DETAIL", RefererDetail.PATH));
  }

  /** Parses values, naming the variable in every error so ops can fix the task definition. */
  private record Reader(Map<String, String> env) {

    String string(String name, String fallback) {
      String value = env.get(name);
      return value == null || value.isBlank() ? fallback : value.trim();
    }

    int integer(String name, int fallback, int min, int max) {
      return (int) longValue(name, fallback, min, max);
    }

    long longValue(String name, long fallback, long min, long max) {
      String raw = string(name, null);
      if (raw == null) {
        return fallback;
      }
      long value = parse(name, raw, Long::parseLong);
      if (value < min || value > max) {
        throw new IllegalArgumentException(name + "=" + raw + " is out of range [" + min + ", " + max + "]");
      }
      return value;
    }

    /** One of an enum's constants, named in any case ({@code truncate} for TRUNCATE). */
    <E extends Enum<E>> E choice(String name, E fallback) {
      String raw = string(name, null);
      if (raw == null) {
        return fallback;
      }
      E[] choices = fallback.getDeclaringClass().getEnumConstants();
      for (E choice : choices) {
        if (choice.name().equalsIgnoreCase(raw)) {
          return choice;
        }
      }
      throw new IllegalArgumentException(name + "=" + raw + " must be one of " + Arrays.stream(choices)
          .map(choice -> choice.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }

    Optional<URI> optionalUri(String name) {
      String raw = string(name, null);
      if (raw == null) {
        return Optional.empty();
      }
      URI uri = parse(name, raw, URI::create);
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new IllegalArgumentException(name + "=" + raw + " is not an absolute URL");
      }
      return Optional.of(uri);
    }

    /**
     * The URL may carry a password, so no error here repeats it, nor the parser's message (which quotes the input),
     * nor carries the parser's exception as a cause.
     */
    String redisUrl(String name, String fallback) {
      String raw = string(name, fallback);
      URI uri;
      try {
        uri = new URI(raw);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(name + " is not a valid URL (value not shown: it may hold a password)");
      }
      if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException(name + " must be redis://host:port or rediss://host:port"
            + " (value not shown: it may hold a password)");
      }
      return raw;
    }

    private static <T> T parse(String name, String raw, Function<String, T> parser) {
      try {
        return parser.apply(raw);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(name + "=" + raw + " is malformed: " + e.getMessage(), e);
      }
    }
  }
}
