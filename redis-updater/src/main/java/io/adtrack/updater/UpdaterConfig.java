package io.adtrack.updater;

import io.adtrack.conventions.Environment;
import io.adtrack.conventions.RedisUrl;
import java.time.Duration;
import java.util.List;

/**
 * The redis-updater's settings, read once from the environment. The password never appears in {@link #toString()}
 * (a {@link RedisUrl} shows itself redacted), so logging the config is safe.
 *
 * @param redis   REDIS_URL: {@code redis[s]://[[user]:password@]host[:port][/database]}
 * @param timeout REDIS_TIMEOUT_MS: connect and socket timeout
 */
public record UpdaterConfig(RedisUrl redis, Duration timeout) {

  /** The variables this config reads, for documentation and error messages. */
  public static final List<String> ENVIRONMENT_VARIABLES = List.of("REDIS_URL", "REDIS_TIMEOUT_MS");

  public static final String DEFAULT_REDIS_URL = "redis://localhost:6379";

  /**
   * Reads REDIS_URL and REDIS_TIMEOUT_MS, falling back to the local-pipeline defaults.
   *
   * @throws io.adtrack.conventions.ConfigurationException naming the variable, never quoting the URL
   */
  public static UpdaterConfig fromEnvironment(Environment env) {
    return new UpdaterConfig(env.redisUrl("REDIS_URL", DEFAULT_REDIS_URL),
        env.millis("REDIS_TIMEOUT_MS", 2_000, 1, 60_000));
  }

  /** The settings for a Redis URL (tests, the local pipeline). */
  public static UpdaterConfig forUrl(String url, Duration timeout) {
    return new UpdaterConfig(RedisUrl.parse("REDIS_URL", url), timeout);
  }
}
