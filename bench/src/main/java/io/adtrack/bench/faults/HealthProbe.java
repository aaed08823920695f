package io.adtrack.bench.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The tracker's readiness and metrics on its management port, asked over the JDK's client: control calls, never
 * part of the load.
 */
final class HealthProbe {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private HealthProbe() {
  }

  /** Whether {@code /health/ready} answers 200. */
  static boolean ready(URI management) {
    return get(management.resolve("/health/ready")).map(HttpResponse::statusCode).orElse(-1) == 200;
  }

  /** The tracker's Prometheus text, when it answers. */
  static Optional<String> metrics(URI management) {
    return get(management.resolve("/metrics")).filter(response -> response.statusCode() == 200)
        .map(HttpResponse::body);
  }

  private static Optional<HttpResponse<String>> get(URI uri) {
    try {
      return Optional.of(HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
