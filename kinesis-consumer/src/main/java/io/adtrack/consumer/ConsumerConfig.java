package io.adtrack.consumer;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of the consumer Lambda, read once from environment variables when the handler is built.
 * Defaults work for the local pipeline.
 *
 * @param tableName        EVENT_TABLE: DynamoDB table the events are written to
 * @param region           AWS_REGION
 * @param endpointOverride AWS_ENDPOINT_URL_DYNAMODB, else AWS_ENDPOINT_URL: DynamoDB Local, empty for AWS
 * @param retentionDays    RETENTION_DAYS: how long an item lives after the event was received (TTL expiresAt)
 * @param writeConcurrency WRITE_CONCURRENCY: BatchWriteItem calls in flight at once within one invocation
 */
public record ConsumerConfig(
    String tableName,
    String region,
    Optional<URI> endpointOverride,
    int retentionDays,
    int writeConcurrency) {

  /** Every environment variable the consumer reads; the deployment template must name each one it sets. */
  public static final List<String> ENVIRONMENT_VARIABLES = List.of(
      "EVENT_TABLE", "AWS_REGION", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL", "RETENTION_DAYS",
      "WRITE_CONCURRENCY");

  public ConsumerConfig {
    if (tableName == null || tableName.isBlank()) {
      throw new IllegalArgumentException("tableName must not be blank");
    }
    if (retentionDays < 1) {
      throw new IllegalArgumentException("retentionDays must be at least 1, was " + retentionDays);
    }
    if (writeConcurrency < 1) {
      throw new IllegalArgumentException("writeConcurrency must be at least 1, was " + writeConcurrency);
    }
  }

  /**
   * Reads the configuration from the given environment ({@code System.getenv()} in the handler).
   *
   * @throws IllegalArgumentException naming the variable when a value is malformed or out of range
   */
  public static ConsumerConfig fromEnvironment(Map<String, String> env) {
    Reader read = new Reader(env);
    return new ConsumerConfig(
        read.string("EVENT_TABLE", "tracking-events"),
        read.string("AWS_REGION", "us-east-1"),
        read.optionalUri("AWS_ENDPOINT_URL_DYNAMODB").or(() -> read.optionalUri("AWS_ENDPOINT_URL")),
        read.integer("RETENTION_DAYS", 90, 1, 36_500),
        read.integer("WRITE_CONCURRENCY", 4, 1, 64));
  }

  /** A copy writing to another table (tests and the local pipeline give each run its own). */
  public ConsumerConfig withTableName(String otherTable) {
    return new ConsumerConfig(otherTable, region, endpointOverride, retentionDays, writeConcurrency);
  }

  /** Parses values, naming the variable in every error so ops can fix the function's configuration. */
  private record Reader(Map<String, String> env) {

    String string(String name, String fallback) {
      String value = env.get(name);
      return value == null || value.isBlank() ? fallback : value.trim();
    }

    int integer(String name, int fallback, int min, int max) {
      String raw = string(name, null);
      if (raw == null) {
        return fallback;
      }
      int value;
      try {
        value = Integer.parseInt(raw);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + "=" + raw + " is not an integer", e);
      }
      if (value < min || value > max) {
        throw new IllegalArgumentException(name + "=" + raw + " is out of range [" + min + ", " + max + "]");
      }
      return value;
    }

    Optional<URI> optionalUri(String name) {
      String raw = string(name, null);
      if (raw == null) {
        return Optional.empty();
      }
      URI uri;
      try {
        uri = URI.create(raw);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(name + "=" + raw + " is not a URL", e);
      }
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new IllegalArgumentException(name + "=" + raw + " is not an absolute URL");
      }
      return Optional.of(uri);
    }
  }
}
