package io.adtrack.tracker.http;

import io.adtrack.tracker.config.CorsOrigins;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.regex.Pattern;

/**
 * The tracker's CORS policy, decided by vertx-web's {@link CorsHandler}: pages of CORS_ALLOWED_ORIGINS may call the
 * tracking routes with GET, HEAD and POST, send {@code Content-Type} and {@code Content-Encoding}, and read the
 * answers (and {@code Retry-After}); a preflight is answered 204 and cached by the browser for two hours (Chromium's
 * ceiling). No credentials: the tracker sets no cookies, so {@code Access-Control-Allow-Origin} may be {@code *}.
 */
final class CorsPolicy {

  static final int MAX_AGE_SECONDS = 7200;
  /** One or more DNS labels, what {@code *.} stands for in an allowed origin. */
  private static final String SUBDOMAINS = "[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.";

  private CorsPolicy() {
  }

  static CorsHandler handler(CorsOrigins allowed) {
    CorsHandler cors = CorsHandler.create()
        .allowedMethod(HttpMethod.GET)
        .allowedMethod(HttpMethod.HEAD)
        .allowedMethod(HttpMethod.POST)
        .allowedHeader("Content-Type")
        .allowedHeader("Content-Encoding")
        .exposedHeader("Retry-After")
        .allowCredentials(false)
        .maxAgeSeconds(MAX_AGE_SECONDS);
    for (String origin : allowed.origins()) {
      if (origin.contains("://*.")) {
        cors.addOriginWithRegex(subdomainPattern(origin));
      } else {
        cors.addOrigin(origin);
      }
    }
    return cors;
  }

  /** {@code https://*.publisher.example} as a regex matching {@code https://a.publisher.example}, not the apex. */
  static String subdomainPattern(String origin) {
    int wildcard = origin.indexOf("://*.") + 3;
    return Pattern.quote(origin.substring(0, wildcard)) + SUBDOMAINS + Pattern.quote(origin.substring(wildcard + 2));
  }
}
