package io.adtrack.tracker.http;

import io.adtrack.tracker.client.ClientReader;
import io.adtrack.tracker.config.CorsOrigins;
import io.adtrack.tracker.config.TrackerConfig;
import io.adtrack.tracker.event.EventIntake;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public port: the routes of docs/contracts.md, "Tracking calls (HTTP API)", and nothing else: health and metrics
 * are the management port's ({@link ManagementVerticle}), so every other path, those included, is a 404 here.
 * Deployed once per core; all instances share the port and the intake. A failed listen (port taken) fails the
 * deployment. The tracking routes speak CORS ({@link CorsPolicy}).
 */
public final class HttpVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  /** Longest request line (method, URL, version) accepted; longer gets 414. */
  public static final int MAX_INITIAL_LINE_LENGTH = 4096;
  /** Largest total header size accepted; larger gets 431. */
  public static final int MAX_HEADER_SIZE = 8192;
  private static final String PROGRAM_ID = "programId";
  /** "/event/", "/pixel/" and "/click/" are all this long. */
  private static final int TRACKING_PREFIX_LENGTH = 7;

  private final int port;
  private final int maxBodyBytes;
  private final CorsOrigins corsOrigins;
  private final TrackingHandlers tracking;
  private final BatchEventsHandler batch;
  private final CorsAnswers corsAnswers = new CorsAnswers();
  private final TrackingHandlers.Handler event;
  private final TrackingHandlers.Handler pixel;
  private final TrackingHandlers.Handler click;
  private volatile HttpServer server;

  /**
   * @param clients reads who made a call, with the privacy settings applied; immutable, shared by all instances
   */
  public HttpVerticle(TrackerConfig.Http settings, ClientReader clients, EventIntake intake) {
    this.port = settings.port();
    this.maxBodyBytes = settings.maxBodyBytes();
    this.corsOrigins = settings.corsAllowedOrigins();
    this.tracking = new TrackingHandlers(intake, clients);
    this.batch = new BatchEventsHandler(intake, clients, settings.maxBodyBytes(), settings.maxEventsPerRequest());
    this.event = tracking::handleEvent;
    this.pixel = tracking::handlePixel;
    this.click = tracking::handleClick;
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
    CorsHandler cors = CorsPolicy.handler(corsOrigins);
    // The fast path (dispatch) serves GET and HEAD of the first three once CORS is settled for the call's origin;
    // the router serves the rest: preflights, POST, the first call of each origin, 405s, paths with extra segments.
    trackingRoute(router, cors, "/event/:programId", event);
    trackingRoute(router, cors, "/pixel/:programId", pixel);
    trackingRoute(router, cors, "/click/:programId", click);
    router.route("/events").handler(cors);
    router.post("/events")
        .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes).setHandleFileUploads(false))
        .handler(batch::handleEvents);

    router.errorHandler(400, rc -> Responses.error(rc.response(), 400, "bad request"));
    router.errorHandler(403, rc -> Responses.error(rc.response(), 403,
        "origin not allowed by CORS_ALLOWED_ORIGINS: " + rc.request().getHeader(HttpHeaders.ORIGIN)));
    router.errorHandler(404, rc -> Responses.error(rc.response(), 404, "no such route: " + rc.request().path()));
    router.errorHandler(405, rc -> Responses.error(rc.response(), 405,
        "method " + rc.request().method() + " not allowed on " + rc.request().path()));
    router.errorHandler(413, rc -> Responses.error(rc.response(), 413,
        "request body larger than " + maxBodyBytes + " bytes"));
    router.errorHandler(415, rc -> Responses.error(rc.response(), 415,
        "Content-Type must be application/json or text/plain"));
    router.errorHandler(500, HttpVerticle::handleUnexpected);
    return router;
  }

  /**
   * A tracking route: CORS for every method (preflights end there), then GET and HEAD, which also record the
   * CorsHandler's answer for the fast path.
   */
  private void trackingRoute(Router router, CorsHandler cors, String path, TrackingHandlers.Handler handler) {
    router.route(path).handler(cors);
    Handler<RoutingContext> track = rc -> {
      corsAnswers.learn(rc.request().getHeader(HttpHeaders.ORIGIN), rc.response().headers());
      handler.handle(rc.request(), rc.pathParam(PROGRAM_ID));
    };
    router.get(path).handler(track);
    router.head(path).handler(track);
  }

  /**
   * Serves GET and HEAD of /event|pixel|click/{id} straight from the request, without the router's regex matching
   * and routing context: that is most of the traffic, and the router's cost per call showed in the benchmark. The
   * CORS headers are the ones the CorsHandler gave the same origin before ({@link CorsAnswers}); a call whose origin
   * it has not answered yet, and everything else, goes to the router.
   */
  private void dispatch(HttpServerRequest request, Router router) {
    HttpMethod method = request.method();
    if ((method == HttpMethod.GET || method == HttpMethod.HEAD) && serveFast(request)) {
      return;
    }
    router.handle(request);
  }

  private boolean serveFast(HttpServerRequest request) {
    String path = request.path();
    TrackingHandlers.Handler handler = path.startsWith("/event/") ? event
        : path.startsWith("/pixel/") ? pixel
        : path.startsWith("/click/") ? click
        : null;
    if (handler == null || path.length() == TRACKING_PREFIX_LENGTH
        || path.indexOf('/', TRACKING_PREFIX_LENGTH) >= 0) {
      return false;
    }
    MultiMap cors = corsAnswers.lookup(request.getHeader(HttpHeaders.ORIGIN));
    if (cors == null) {
      return false;
    }
    if (!cors.isEmpty()) {
      request.response().headers().addAll(cors);
    }
    String rawId = path.substring(TRACKING_PREFIX_LENGTH);
    String programId;
    try {
      programId = rawId.indexOf('%') < 0 ? rawId : URLDecoder.decode(rawId, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      programId = null; // rejected as malformed (400) by the intake
    }
    handler.handle(request, programId);
    return true;
  }

  /** A failure nothing handled (both ports): logged with the request, answered 500 unless already answered. */
  static void handleUnexpected(RoutingContext rc) {
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
