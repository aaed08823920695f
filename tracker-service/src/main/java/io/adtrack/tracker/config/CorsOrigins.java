package io.adtrack.tracker.config;

import io.adtrack.conventions.ConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * CORS_ALLOWED_ORIGINS: the web origins whose pages may read the tracker's answers and send it JSON. {@code *} (the
 * default) allows any; otherwise a comma-separated list of origins ({@code https://publisher.example},
 * {@code http://localhost:3000}), where a host may start with {@code *.} for any subdomain
 * ({@code https://*.publisher.example}, which does not match {@code https://publisher.example} itself).
 *
 * @param origins the entries as configured; empty for any origin
 */
public record CorsOrigins(List<String> origins) {

  /** Any origin. */
  public static final CorsOrigins ANY = new CorsOrigins(List.of());

  public CorsOrigins {
    origins = List.copyOf(origins);
  }

  public boolean allowsAny() {
    return origins.isEmpty();
  }

  /**
   * @throws ConfigurationException naming {@code variable} and the entry that is not an origin
   */
  public static CorsOrigins parse(String variable, String value) {
    if (value.isBlank() || "*".equals(value.trim())) {
      return ANY;
    }
    List<String> origins = new ArrayList<>();
    for (String entry : value.split(",")) {
      String origin = entry.trim();
      if (!origin.isEmpty()) {
        check(variable, origin);
        origins.add(origin);
      }
    }
    return new CorsOrigins(origins);
  }

  private static void check(String variable, String origin) {
    String problem = problem(origin);
    if (problem != null) {
      throw new ConfigurationException(variable, variable + ": \"" + origin + "\" " + problem
          + " (expected * or origins like https://publisher.example, https://*.publisher.example)");
    }
  }

  private static String problem(String origin) {
    if ("*".equals(origin)) {
      return "cannot be mixed with other origins";
    }
    if (!origin.startsWith("https://") && !origin.startsWith("http://")) {
      return "is not an http(s) origin";
    }
    String authority = origin.substring(origin.indexOf("://") + 3);
    String host = authority.startsWith("*.") ? authority.substring(2) : authority;
    if (host.contains("*")) {
      return "may only use * as its host's first label";
    }
    URI uri;
    try {
      uri = new URI(origin.substring(0, origin.indexOf("://") + 3) + host);
    } catch (URISyntaxException e) {
      return "is not a valid origin";
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null || !uri.getRawPath().isEmpty()
        || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      return "is not scheme://host[:port] (an origin has no path, not even a trailing /)";
    }
    return null;
  }
}
