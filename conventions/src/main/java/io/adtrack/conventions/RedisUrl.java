package io.adtrack.conventions;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A Redis URL, {@code redis[s]://[[user]:password@]host[:port][/database]}, checked once and kept with its parts.
 * It may carry a password, so neither {@link #toString()} nor any error built here shows it: log
 * {@link #redacted()}, hand {@link #connectionString()} only to the client.
 *
 * @param connectionString the URL as configured (scheme in lower case), for a client that parses it itself
 * @param tls              whether to speak TLS ({@code rediss://}, ElastiCache in-transit encryption)
 * @param host             the host
 * @param port             the port, 6379 when none is given
 * @param user             the ACL user, or null for the default user
 * @param password         the AUTH password or token, or null
 * @param database         the database index from the path, 0 when none is given
 */
public record RedisUrl(String connectionString, boolean tls, String host, int port, String user, String password,
    int database) {

  private static final int DEFAULT_PORT = 6379;
  private static final String HIDDEN = " (value not shown: it may hold a password)";

  /**
   * Parses the value of {@code variable}. User and password may be percent-encoded; a lone user-info part
   * ({@code redis://token@host}) is the password, as in Jedis and {@code redis-cli -u}.
   *
   * @throws ConfigurationException naming {@code variable}, never quoting the value
   */
  public static RedisUrl parse(String variable, String value) {
    URI uri;
    try {
      uri = new URI(value.trim());
    } catch (URISyntaxException e) {
      // Neither the parser's message (it quotes the input) nor the exception as a cause: both hold the password.
      throw new ConfigurationException(variable, variable + " is not a valid URL" + HIDDEN);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("redis") && !scheme.equals("rediss") || uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new ConfigurationException(variable, variable + " must be redis://host:port or rediss://host:port"
          + HIDDEN);
    }
    String user = null;
    String password = null;
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      if (colon < 0) {
        password = decode(userInfo);
      } else {
        user = colon == 0 ? null : decode(userInfo.substring(0, colon));
        password = decode(userInfo.substring(colon + 1));
      }
    }
    String normalized = scheme + value.trim().substring(uri.getScheme().length());
    return new RedisUrl(normalized, scheme.equals("rediss"), uri.getHost(),
        uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), user, password == null || password.isEmpty() ? null
        : password, database(variable, uri.getPath()));
  }

  /** The URL with the password masked, safe to log: {@code rediss://app:***@cache.example:6379/2}. */
  public String redacted() {
    String credentials = password == null ? (user == null ? "" : user + "@")
        : (user == null ? "" : user) + ":***@";
    return (tls ? "rediss" : "redis") + "://" + credentials + host + ":" + port
        + (database == 0 ? "" : "/" + database);
  }

  @Override
  public String toString() {
    return redacted();
  }

  private static int database(String variable, String path) {
    if (path == null || path.isEmpty() || path.equals("/")) {
      return 0;
    }
    try {
      return Integer.parseInt(path.substring(1));
    } catch (NumberFormatException e) {
      throw new ConfigurationException(variable, variable + " path must be a database number, got " + path);
    }
  }

  private static String decode(String raw) {
    // A '+' in a password is a plus, not a space: URLDecoder alone would turn it into one.
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
