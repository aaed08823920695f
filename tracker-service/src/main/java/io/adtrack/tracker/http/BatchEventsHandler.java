package io.adtrack.tracker.http;

import io.adtrack.proto.EventType;
import io.adtrack.tracker.client.ClientReader;
import io.adtrack.tracker.event.ClientInfo;
import io.adtrack.tracker.event.EventIntake;
import io.adtrack.tracker.event.Recording;
import io.adtrack.tracker.event.TrackResult;
import io.adtrack.tracker.metrics.Route;
import io.adtrack.tracker.traffic.TrafficSignals;
import io.adtrack.tracker.validation.CallParameters;
import io.adtrack.tracker.validation.CallValidation;
import io.adtrack.tracker.validation.InvalidCallException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * POST /events: a JSON array of {@code {"programId","type","customerId","checksum","params"}}, answered with one
 * result per event, in order: {@code {"index":i,"status":200,"messageId":..}} or {@code {"index":i,"status":N,
 * "error":..}}. The request as a whole fails only when it is not such an array (400), too big (413) or of a type or
 * coding {@link EventsBody} does not take (415).
 */
final class BatchEventsHandler {

  private static final Map<String, EventType> TYPES = Map.of(
      "event", EventType.EVENT, "impression", EventType.IMPRESSION, "click", EventType.CLICK);

  private final EventIntake intake;
  private final ClientReader clients;
  private final int maxBodyBytes;
  private final int maxEvents;

  BatchEventsHandler(EventIntake intake, ClientReader clients, int maxBodyBytes, int maxEvents) {
    this.intake = intake;
    this.clients = clients;
    this.maxBodyBytes = maxBodyBytes;
    this.maxEvents = maxEvents;
  }

  void handleEvents(RoutingContext rc) {
    JsonArray events;
    try {
      EventsBody.checkContentType(rc.request().getHeader(HttpHeaders.CONTENT_TYPE));
      byte[] body = EventsBody.decode(rc.request().getHeader(HttpHeaders.CONTENT_ENCODING),
          rc.body().buffer() == null ? new byte[0] : rc.body().buffer().getBytes(), maxBodyBytes);
      events = parseArray(body);
    } catch (EventsBody.RefusedException e) {
      Responses.error(rc.response(), e.status(), e.getMessage());
      return;
    } catch (InvalidCallException e) {
      Responses.error(rc.response(), 400, e.getMessage());
      return;
    }
    if (events.size() > maxEvents) {
      Responses.error(rc.response(), 413, "at most " + maxEvents + " events per request");
      return;
    }
    ClientInfo client = clients.read(rc.request());
    TrafficSignals signals = clients.signals(rc.request(), true);
    Context context = rc.vertx().getOrCreateContext();
    List<Future<TrackResult>> results = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      results.add(trackOne(context, events.getValue(i), client, signals));
    }
    Future.all(results).onComplete(done -> answer(rc, results), rc::fail);
  }

  private Future<TrackResult> trackOne(Context context, Object item, ClientInfo client, TrafficSignals signals) {
    if (!(item instanceof JsonObject event)) {
      return Future.succeededFuture(intake.reject(Route.EVENTS, null,
          new InvalidCallException("each event must be a JSON object").rejection()));
    }
    Object programId = event.getValue("programId");
    try {
      EventType type = TYPES.get(String.valueOf(event.getValue("type")));
      if (type == null) {
        throw new InvalidCallException("type must be one of event, impression, click");
      }
      return intake.track(context, Route.EVENTS, type, programId instanceof String id ? id : null, call(event),
          client, signals, Recording.RECORD);
    } catch (InvalidCallException e) {
      return Future.succeededFuture(intake.reject(Route.EVENTS, programId instanceof String id ? id : null,
          e.rejection()));
    }
  }

  private static CallParameters call(JsonObject event) {
    Object customerId = event.getValue(CallParameters.CUSTOMER_ID);
    OptionalLong customer = OptionalLong.empty();
    if (customerId instanceof Number || customerId instanceof String) {
      customer = OptionalLong.of(CallValidation.parseCustomerId(customerId.toString()));
    } else if (customerId != null) {
      throw new InvalidCallException("customerId must be a number");
    }
    Object checksum = event.getValue(CallParameters.CHECKSUM);
    if (checksum != null && !(checksum instanceof String)) {
      throw new InvalidCallException("checksum must be a string");
    }
    Object params = event.getValue("params");
    Map<String, String> extra = new LinkedHashMap<>();
    if (params instanceof JsonObject object) {
      for (Map.Entry<String, Object> param : object) {
        if (!(param.getValue() instanceof String value)) {
          throw new InvalidCallException("params values must be strings");
        }
        CallValidation.addParam(extra, param.getKey(), value);
      }
    } else if (params != null) {
      throw new InvalidCallException("params must be an object of strings");
    }
    return new CallParameters(customer,
        Optional.ofNullable((String) checksum).map(CallValidation::checkChecksum), extra);
  }

  private static void answer(RoutingContext rc, List<Future<TrackResult>> results) {
    JsonArray answers = new JsonArray();
    int accepted = 0;
    boolean retryable = false;
    for (int i = 0; i < results.size(); i++) {
      TrackResult result = results.get(i).result();
      JsonObject answer = new JsonObject().put("index", i);
      if (result instanceof TrackResult.Accepted ok) {
        accepted++;
        answer.put("status", 200).put("messageId", ok.event().getMessageId());
      } else if (result instanceof TrackResult.Rejected rejected) {
        answer.put("status", rejected.rejection().status()).put("error", rejected.rejection().message());
      } else if (result instanceof TrackResult.Unavailable unavailable) {
        retryable = true;
        answer.put("status", 503).put("error", unavailable.message());
      } else if (result instanceof TrackResult.Failed failed) {
        answer.put("status", 500).put("error", failed.message());
      }
      answers.add(answer);
    }
    if (retryable) {
      rc.response().putHeader(Responses.RETRY_AFTER, Responses.RETRY_AFTER_SECONDS);
    }
    Responses.json(rc.response(), 200, new JsonObject()
        .put("accepted", accepted)
        .put("rejected", results.size() - accepted)
        .put("results", answers));
  }

  /** Decodes strictly: invalid UTF-8 is refused, not replaced, so what we forward is what the client sent. */
  private static JsonArray parseArray(byte[] body) {
    if (body.length == 0) {
      throw new InvalidCallException("body must be a JSON array of events");
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidCallException("body is not valid UTF-8");
    }
    Object parsed;
    try {
      parsed = Json.decodeValue(text);
    } catch (DecodeException e) {
      throw new InvalidCallException("body is not valid JSON");
    }
    if (!(parsed instanceof JsonArray array)) {
      throw new InvalidCallException("body must be a JSON array of events");
    }
    return array;
  }
}
