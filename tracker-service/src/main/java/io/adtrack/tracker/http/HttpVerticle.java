package io.adtrack.tracker.http;

import io.adtrack.tracker.config.TrackerConfig;
import io.adtrack.tracker.event.EventIntake;
import io.adtrack.tracker.health.Readiness;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public port: the routes of docs/contracts.md, "Tracking calls (HTTP API)", and nothing else (no
 * administrative routes). Deployed once per core; all instances share the port and the intake. A failed listen
 * (port taken) fails the deployment.
 */
public final class HttpVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  /** Longest request line (method, URL, version) accepted; longer gets 414. */
  public static final int MAX_INITIAL_LINE_LENGTH = 4096;
  /** Largest total header size accepted; larger gets 431. */
  public static final int MAX_HEADER_SIZE = 8192;
  private static final String PROGRAM_ID = "programId";
  private static final CharSequence PROMETHEUS_TEXT =
      HttpHeaders.createOptimized("text/plain; version=0.0.4; charset=utf-8");

  private final int port;
  private final int maxBodyBytes;
  private final TrackingHandlers tracking;
  private final BatchEventsHandler batch;
  private final Readiness readiness;
  private final PrometheusMeterRegistry registry;
  private volatile HttpServer server;

  public HttpVerticle(TrackerConfig.Http settings, EventIntake intake, Readiness readiness,
      PrometheusMeterRegistry registry) {
    this.port = settings.port();
    this.maxBodyBytes = settings.maxBodyBytes();
    this.tracking = new TrackingHandlers(intake);
    this.batch = new BatchEventsHandler(intake, settings.maxEventsPerRequest());
    this.readiness = readiness;
    this.registry = registry;
  }

  /** The port the server listens on (the one the OS chose when HTTP_PORT is 0); -1 before it listens. */
  public int actualPort() {
    HttpServer listening = server;
    return listening == null ? -1 : listening.actualPort();
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = new HttpServerOptions()
        .setMaxInitialLineLength(MAX_INITIAL_LINE_LENGTH)
        .setMaxHeaderSize(MAX_HEADER_SIZE)
        .setCompressionSupported(false)
        .setDecompressionSupported(false);
    Router router = router();
    return vertx.createHttpServer(options)
        .requestHandler(request -> dispatch(request, router))
        .invalidRequestHandler(HttpVerticle::handleInvalidRequest)
        .listen(port)
        .onSuccess(listening -> server = listening);
  }

  private Router router() {
    Router router = Router.router(vertx);
    // The fast path (dispatch) serves these; the router keeps them for 405s and paths the fast path leaves alone.
    router.get("/event/:programId").handler(rc -> tracking.handleEvent(rc.request(), rc.pathParam(PROGRAM_ID)));
    router.get("/pixel/:programId").handler(rc -> tracking.handlePixel(rc.request(), rc.pathParam(PROGRAM_ID)));
    router.get("/click/:programId").handler(rc -> tracking.handleClick(rc.request(), rc.pathParam(PROGRAM_ID)));
    router.post("/events")
        .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes).setHandleFileUploads(false))
        .handler(batch::handleEvents);
    router.get("/health/live").handler(rc -> Responses.json(rc.response(), 200, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(this::handleReady);
    router.get("/metrics").handler(this::handleMetrics);

    router.errorHandler(400, rc -> Responses.error(rc.response(), 400, "bad request"));
    router.errorHandler(404, rc -> Responses.error(rc.response(), 404, "no such route: " + rc.request().path()));
    router.errorHandler(405, rc -> Responses.error(rc.response(), 405,
        "method " + rc.request().method() + " not allowed on " + rc.request().path()));
    router.errorHandler(413, rc -> Responses.error(rc.response(), 413,
        "request body larger than " + maxBodyBytes + " bytes"));
    router.errorHandler(415, rc -> Responses.error(rc.response(), 415, "Content-Type must be application/json"));
    router.errorHandler(500, HttpVerticle::handleUnexpected);
    return router;
  }

  /**
   * Serves GET /event|pixel|click/{id} straight from the request, without the router's regex matching and routing
   * context: that is most of the traffic, and the router's cost per call showed in the benchmark. Everything else,
   * including those paths with other methods or extra segments, goes to the router.
   */
  private void dispatch(HttpServerRequest request, Router router) {
    if (request.method() == HttpMethod.GET) {
      String path = request.path();
      if (serveFast(request, path, "/event/", tracking::handleEvent)
          || serveFast(request, path, "/pixel/", tracking::handlePixel)
          || serveFast(request, path, "/click/", tracking::handleClick)) {
        return;
      }
    }
    router.handle(request);
  }

  private static boolean serveFast(HttpServerRequest request, String path, String prefix,
      TrackingHandlers.Handler handler) {
    if (!path.startsWith(prefix) || path.length() == prefix.length() || path.indexOf('/', prefix.length()) >= 0) {
      return false;
    }
    String rawId = path.substring(prefix.length());
    String programId;
    try {
      programId = rawId.indexOf('%') < 0 ? rawId : URLDecoder.decode(rawId, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      programId = null; // rejected as malformed (400) by the intake
    }
    handler.handle(request, programId);
    return true;
  }

  private void handleReady(RoutingContext rc) {
    JsonObject report = readiness.report();
    Responses.json(rc.response(), "UP".equals(report.getString("status")) ? 200 : 503, report);
  }

  private void handleMetrics(RoutingContext rc) {
    rc.response().putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_TEXT).end(registry.scrape());
  }

  private static void handleUnexpected(RoutingContext rc) {
    LOG.error("Unexpected failure answering {} {}", rc.request().method(), rc.request().path(), rc.failure());
    if (!rc.response().ended()) {
      Responses.error(rc.response(), 500, "internal error");
    }
  }

  /** Requests Netty could not even decode: too long a URL (414), too big headers (431), or garbage (400). */
  private static void handleInvalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status;
    String message;
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      message = "URL longer than allowed";
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      message = "request headers larger than " + MAX_HEADER_SIZE + " bytes";
    } else {
      status = 400;
      message = "malformed HTTP request";
    }
    request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    Responses.error(request.response(), status, message);
  }
}
