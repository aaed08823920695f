package io.adtrack.updater;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The redis-updater's settings, read once from the environment. The password never appears in {@link #toString()}
 * or in an exception message, so logging the config is safe.
 *
 * @param host Redis host
 * @param port Redis port (default 6379)
 * @param tls whether to use TLS ({@code rediss://}, ElastiCache in-transit encryption)
 * @param user ACL user name, or null for the default user
 * @param password AUTH password / token, or null
 * @param database database index from the URL path (default 0)
 * @param timeoutMillis connect and socket timeout
 */
public record UpdaterConfig(String host, int port, boolean tls, String user, String password, int database,
    int timeoutMillis) {

  /** The variables this config reads, for documentation and error messages. */
  public static final List<String> ENVIRONMENT_VARIABLES = List.of("REDIS_URL", "REDIS_TIMEOUT_MS");

  public static final String DEFAULT_REDIS_URL = "redis://localhost:6379";
  public static final int DEFAULT_TIMEOUT_MILLIS = 2000;
  private static final int DEFAULT_PORT = 6379;

  /** Reads REDIS_URL and REDIS_TIMEOUT_MS, falling back to the local-pipeline defaults. */
  public static UpdaterConfig fromEnvironment(Map<String, String> env) {
    String url = valueOr(env, "REDIS_URL", DEFAULT_REDIS_URL);
    String timeout = valueOr(env, "REDIS_TIMEOUT_MS", Integer.toString(DEFAULT_TIMEOUT_MILLIS));
    int timeoutMillis;
    try {
      timeoutMillis = Integer.parseInt(timeout.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("REDIS_TIMEOUT_MS must be a number of milliseconds, got " + timeout, e);
    }
    if (timeoutMillis <= 0) {
      throw new IllegalArgumentException("REDIS_TIMEOUT_MS must be positive, got " + timeoutMillis);
    }
    return fromUrl(url, timeoutMillis);
  }

  /** Parses {@code redis[s]://[[user]:password@]host[:port][/db]}; user and password may be percent-encoded. */
  public static UpdaterConfig fromUrl(String url, int timeoutMillis) {
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      // Not echoing the value: it may hold the password.
      throw new IllegalArgumentException("REDIS_URL is not a valid URI (redis://host:port or rediss://...)");
    }
    String scheme = uri.getScheme();
    if (!"redis".equalsIgnoreCase(scheme) && !"rediss".equalsIgnoreCase(scheme)) {
      throw new IllegalArgumentException("REDIS_URL must start with redis:// or rediss://, got scheme " + scheme);
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("REDIS_URL has no host");
    }
    String user = null;
    String password = null;
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      if (colon < 0) {
        // redis://token@host: a lone user-info part is the password, as in Jedis and redis-cli -u.
        password = decode(userInfo);
      } else {
        user = colon == 0 ? null : decode(userInfo.substring(0, colon));
        password = decode(userInfo.substring(colon + 1));
      }
    }
    return new UpdaterConfig(uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(),
        "rediss".equalsIgnoreCase(scheme), user, password == null || password.isEmpty() ? null : password,
        database(uri.getPath()), timeoutMillis);
  }

  /** The URL with the password masked, for logs. */
  public String redactedUrl() {
    String credentials = password == null ? (user == null ? "" : user + "@")
        : (user == null ? "" : user) + ":***@";
    return (tls ? "rediss" : "redis") + "://" + credentials + host + ":" + port + "/" + database;
  }

  @Override
  public String toString() {
    return "UpdaterConfig[redis=" + redactedUrl() + ", timeoutMillis=" + timeoutMillis + "]";
  }

  private static int database(String path) {
    if (path == null || path.isEmpty() || path.equals("/")) {
      return 0;
    }
    try {
      return Integer.parseInt(path.substring(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("REDIS_URL path must be a database number, got " + path, e);
    }
  }

  private static String decode(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String valueOr(Map<String, String> env, String name, String fallback) {
    String value = env.get(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
