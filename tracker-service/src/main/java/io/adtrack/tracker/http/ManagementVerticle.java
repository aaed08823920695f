package io.adtrack.tracker.http;

import io.adtrack.tracker.health.Readiness;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The management port (MANAGEMENT_PORT): liveness, readiness and the Prometheus metrics, for the load balancer's
 * health check, the container's own check and the metrics collector beside the tracker in its task. Never for ad
 * clients: the public port ({@link HttpVerticle}) answers these paths 404, and in AWS no listener forwards here (the
 * security groups let the load balancer reach this port for its health checks only).
 *
 * <p>One instance, deployed last, so that a task reports ready only once the public port listens. A failed listen
 * fails the deployment. Building the scrape reads the meters in memory: nothing here waits on CloudWatch or any
 * collector.
 */
public final class ManagementVerticle extends VerticleBase {

  private static final CharSequence PROMETHEUS_TEXT =
      HttpHeaders.createOptimized("text/plain; version=0.0.4; charset=utf-8");

  private final int port;
  private final Readiness readiness;
  private final PrometheusMeterRegistry registry;
  private volatile HttpServer server;

  public ManagementVerticle(int port, Readiness readiness, PrometheusMeterRegistry registry) {
    this.port = port;
    this.readiness = readiness;
    this.registry = registry;
  }

  /** The port the server listens on (the one the OS chose when MANAGEMENT_PORT is 0); -1 before it listens. */
  public int actualPort() {
    HttpServer listening = server;
    return listening == null ? -1 : listening.actualPort();
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/health/live").handler(rc -> Responses.json(rc.response(), 200, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(this::handleReady);
    router.get("/metrics").handler(this::handleMetrics);
    router.errorHandler(404, rc -> Responses.error(rc.response(), 404, "no such route: " + rc.request().path()));
    router.errorHandler(405, rc -> Responses.error(rc.response(), 405,
        "method " + rc.request().method() + " not allowed on " + rc.request().path()));
    router.errorHandler(500, HttpVerticle::handleUnexpected);
    return vertx.createHttpServer()
        .requestHandler(router)
        .listen(port)
        .onSuccess(listening -> server = listening);
  }

  private void handleReady(RoutingContext rc) {
    JsonObject report = readiness.report();
    Responses.json(rc.response(), "UP".equals(report.getString("status")) ? 200 : 503, report);
  }

  private void handleMetrics(RoutingContext rc) {
    rc.response().putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_TEXT).end(registry.scrape());
  }
}
