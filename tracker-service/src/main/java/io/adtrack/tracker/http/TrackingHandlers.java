package io.adtrack.tracker.http;

import io.adtrack.proto.EventType;
import io.adtrack.tracker.event.ClientInfo;
import io.adtrack.tracker.event.EventIntake;
import io.adtrack.tracker.event.TrackResult;
import io.adtrack.tracker.metrics.Route;
import io.adtrack.tracker.validation.CallParameters;
import io.adtrack.tracker.validation.CallValidation;
import io.adtrack.tracker.validation.InvalidCallException;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** GET /event, /pixel and /click: the same intake, three ways of answering. */
final class TrackingHandlers {

  private static final Logger LOG = LoggerFactory.getLogger(TrackingHandlers.class);
  private static final CharSequence X_FORWARDED_FOR = HttpHeaders.createOptimized("X-Forwarded-For");

  private final EventIntake intake;

  TrackingHandlers(EventIntake intake) {
    this.intake = intake;
  }

  /** GET /event/{programId}: 200 with the enriched event as JSON, else a JSON error. */
  void handleEvent(HttpServerRequest request, String programId) {
    track(request, programId, Route.EVENT, EventType.EVENT, (response, result) -> {
      if (result instanceof TrackResult.Accepted accepted) {
        Responses.event(response, accepted.event());
      } else {
        answerError(response, result);
      }
    });
  }

  /** GET /pixel/{programId}: always the GIF; 503 (with the GIF) only when the call should be retried. */
  void handlePixel(HttpServerRequest request, String programId) {
    track(request, programId, Route.PIXEL, EventType.IMPRESSION, (response, result) ->
        Responses.pixel(response, result instanceof TrackResult.Unavailable ? 503 : 200));
  }

  /** GET /click/{programId}: 302 to the program's landing URL (never one from the request), else a JSON error. */
  void handleClick(HttpServerRequest request, String programId) {
    track(request, programId, Route.CLICK, EventType.CLICK, (response, result) -> {
      if (result instanceof TrackResult.Accepted accepted) {
        response.setStatusCode(302)
            .putHeader(HttpHeaders.LOCATION, accepted.program().landingUrl().orElseThrow())
            .putHeader(HttpHeaders.CACHE_CONTROL, Responses.NO_STORE)
            .end();
      } else {
        answerError(response, result);
      }
    });
  }

  /** A tracking route's handler, for the router and for the fast path alike. */
  @FunctionalInterface
  interface Handler {
    void handle(HttpServerRequest request, String programId);
  }

  /** Sends a JSON error for anything but an accepted call. */
  static void answerError(HttpServerResponse response, TrackResult result) {
    if (result instanceof TrackResult.Rejected rejected) {
      Responses.error(response, rejected.rejection().status(), rejected.rejection().message());
    } else if (result instanceof TrackResult.Unavailable unavailable) {
      Responses.error(response, 503, unavailable.message());
    } else if (result instanceof TrackResult.Failed failed) {
      Responses.error(response, 500, failed.message());
    }
  }

  private void track(HttpServerRequest request, String programId, Route route, EventType type, Answer answer) {
    HttpServerResponse response = request.response();
    CallParameters call;
    try {
      call = queryParameters(request);
    } catch (InvalidCallException e) {
      answer.send(response, intake.reject(route, e.rejection()));
      return;
    }
    intake.track(Vertx.currentContext(), route, type, programId, call, clientInfo(request))
        .onSuccess(result -> answer.send(response, result))
        .onFailure(e -> {
          LOG.error("Tracking {} failed unexpectedly", route, e);
          Responses.error(response, 500, "internal error");
        });
  }

  private static CallParameters queryParameters(HttpServerRequest request) {
    String query = request.query();
    if (query == null || query.isEmpty()) {
      return CallParameters.NONE;
    }
    // Refuses broken escapes too, the only thing the decoder below would throw for.
    CallValidation.checkQueryEncoding(query);
    // The query alone (request.params() may carry path parameters); what Vert.x uses underneath anyway.
    Map<String, List<String>> byName = new QueryStringDecoder(query, StandardCharsets.UTF_8, false).parameters();
    return CallValidation.parseQuery(byName);
  }

  static ClientInfo clientInfo(HttpServerRequest request) {
    String forwarded = request.getHeader(X_FORWARDED_FOR);
    String clientIp = null;
    if (forwarded != null) {
      int comma = forwarded.indexOf(',');
      clientIp = (comma < 0 ? forwarded : forwarded.substring(0, comma)).trim();
    }
    if (clientIp == null || clientIp.isEmpty()) {
      clientIp = request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress();
    }
    return new ClientInfo(orEmpty(request.getHeader(HttpHeaders.USER_AGENT)),
        orEmpty(request.getHeader(HttpHeaders.REFERER)), clientIp == null ? "" : clientIp);
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }

  /** How a route answers a result. */
  @FunctionalInterface
  private interface Answer {
    void send(HttpServerResponse response, TrackResult result);
  }
}
