package io.adtrack.tracker.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CORS headers {@link CorsPolicy}'s CorsHandler gave each origin on one event loop, so that the fast path can
 * give them again without the router. The first tracking GET or HEAD of an origin (and the first without an
 * {@code Origin}) goes through the router, where the CorsHandler decides and {@link #learn} records its headers;
 * later ones are served on the fast path with a map lookup. An origin the CorsHandler refuses is never recorded, so
 * each of its calls goes to the router and gets the CorsHandler's 403.
 *
 * <p>Owned by one HttpVerticle and used on its event loop only: not thread-safe. Bounded: the least recently used
 * origin makes room for a new one (which costs that origin one more trip through the router).
 */
final class CorsAnswers {

  static final int MAX_ORIGINS = 1024;

  private final Map<String, MultiMap> byOrigin = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, MultiMap> eldest) {
      return size() > MAX_ORIGINS;
    }
  };
  private MultiMap withoutOrigin;

  /**
   * The headers to add to the answer of a call from {@code origin} (null: the call sent none), or null when the
   * CorsHandler has not answered that origin on this event loop yet.
   */
  MultiMap lookup(String origin) {
    return origin == null ? withoutOrigin : byOrigin.get(origin);
  }

  /**
   * Records the headers of {@code response}, taken right after the CorsHandler let a call from {@code origin}
   * through, before anything else wrote a header: exactly the CorsHandler's answer to that origin.
   */
  void learn(String origin, MultiMap response) {
    MultiMap headers = HttpHeaders.headers().addAll(response);
    if (origin == null) {
      withoutOrigin = headers;
    } else {
      byOrigin.put(origin, headers);
    }
  }
}
