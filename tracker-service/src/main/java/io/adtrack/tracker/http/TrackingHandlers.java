package io.adtrack.tracker.http;

import io.adtrack.proto.EventType;
import io.adtrack.tracker.client.ClientReader;
import io.adtrack.tracker.event.EventIntake;
import io.adtrack.tracker.event.Recording;
import io.adtrack.tracker.event.TrackResult;
import io.adtrack.tracker.metrics.Route;
import io.adtrack.tracker.validation.CallParameters;
import io.adtrack.tracker.validation.CallValidation;
import io.adtrack.tracker.validation.InvalidCallException;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GET /event, /pixel and /click: the same intake, three ways of answering. HEAD answers as GET would (the same status
 * and headers) without recording anything. Traffic no person made (a bot, a prefetch, a duplicate click) gets the
 * answer a person would; only its event differs (docs/invalid-traffic.md).
 */
final class TrackingHandlers {

  private static final Logger LOG = LoggerFactory.getLogger(TrackingHandlers.class);

  private final EventIntake intake;
  private final ClientReader clients;

  TrackingHandlers(EventIntake intake, ClientReader clients) {
    this.intake = intake;
    this.clients = clients;
  }

  /** GET /event/{programId}: 200 with the enriched event as JSON, else a JSON error. */
  void handleEvent(HttpServerRequest request, String programId) {
    track(request, programId, Route.EVENT, EventType.EVENT, recording(request), (response, result) -> {
      if (result instanceof TrackResult.Accepted accepted) {
        Responses.event(response, accepted.event());
      } else {
        answerError(response, result);
      }
    });
  }

  /** GET /pixel/{programId}: always the GIF; 503 (with the GIF) only when the call should be retried. */
  void handlePixel(HttpServerRequest request, String programId) {
    track(request, programId, Route.PIXEL, EventType.IMPRESSION, recording(request), (response, result) ->
        Responses.pixel(response, result instanceof TrackResult.Unavailable ? 503 : 200));
  }

  /**
   * GET /click/{programId}: 302 to the program's landing URL (never one from the request), else a JSON error. A
   * prefetched click gets its 302 too, and its event is classified {@code PREFETCH}.
   */
  void handleClick(HttpServerRequest request, String programId) {
    track(request, programId, Route.CLICK, EventType.CLICK, recording(request), (response, result) -> {
      if (result instanceof TrackResult.Accepted accepted) {
        Responses.redirect(response, accepted.program().landingUrl().orElseThrow());
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

  /** A HEAD is answered, never recorded: link checkers and uptime probes are not impressions or clicks. */
  private static Recording recording(HttpServerRequest request) {
    return request.method() == HttpMethod.HEAD ? Recording.ANSWER_ONLY : Recording.RECORD;
  }

  private void track(HttpServerRequest request, String programId, Route route, EventType type, Recording recording,
      Answer answer) {
    HttpServerResponse response = request.response();
    CallParameters call;
    try {
      call = queryParameters(request);
    } catch (InvalidCallException e) {
      answer.send(response, intake.reject(route, programId, e.rejection()));
      return;
    }
    intake.track(Vertx.currentContext(), route, type, programId, call, clients.read(request),
            clients.signals(request, type == EventType.CLICK), recording)
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

  /** How a route answers a result. */
  @FunctionalInterface
  private interface Answer {
    void send(HttpServerResponse response, TrackResult result);
  }
}
