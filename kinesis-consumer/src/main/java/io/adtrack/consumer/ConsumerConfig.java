package io.adtrack.consumer;

import io.adtrack.conventions.Environment;
import java.util.List;

/**
 * Every setting of the consumer Lambda, read once from environment variables when the handler is built. Defaults
 * work for the local pipeline. The region and a DynamoDB endpoint override (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB,
 * AWS_ENDPOINT_URL) are the AWS SDK's to read.
 *
 * @param tableName        EVENT_TABLE: DynamoDB table the events are written to
 * @param retentionDays    RETENTION_DAYS: how long an item lives after the event was received (TTL expiresAt)
 * @param writeConcurrency WRITE_CONCURRENCY: BatchWriteItem calls in flight at once within one invocation
 */
public record ConsumerConfig(String tableName, int retentionDays, int writeConcurrency) {

  /** Every environment variable the consumer reads; the deployment template must name each one. */
  public static final List<String> ENVIRONMENT_VARIABLES = List.of("EVENT_TABLE", "RETENTION_DAYS",
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
   * Reads the configuration from the environment.
   *
   * @throws io.adtrack.conventions.ConfigurationException naming the variable when a value is malformed or out of
   *                                                       range
   */
  public static ConsumerConfig fromEnvironment(Environment env) {
    return new ConsumerConfig(
        env.string("EVENT_TABLE", "tracking-events"),
        env.integer("RETENTION_DAYS", 90, 1, 36_500),
        env.integer("WRITE_CONCURRENCY", 4, 1, 64));
  }

  /** A copy writing to another table (tests and the local pipeline give each run its own). */
  public ConsumerConfig withTableName(String otherTable) {
    return new ConsumerConfig(otherTable, retentionDays, writeConcurrency);
  }
}
