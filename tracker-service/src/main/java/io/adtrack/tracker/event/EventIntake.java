package io.adtrack.tracker.event;

import io.adtrack.proto.EventType;
import io.adtrack.proto.InvalidTraffic;
import io.adtrack.proto.TrackingEvent;
import io.adtrack.tracker.cache.CoreDataUnavailableException;
import io.adtrack.tracker.cache.LookupsSaturatedException;
import io.adtrack.tracker.cache.ProgramCache;
import io.adtrack.tracker.cache.ProgramEntry;
import io.adtrack.tracker.kinesis.PendingRecord;
import io.adtrack.tracker.kinesis.ProducerBuffer;
import io.adtrack.tracker.metrics.Outcome;
import io.adtrack.tracker.metrics.Route;
import io.adtrack.tracker.metrics.TrackerMetrics;
import io.adtrack.tracker.program.MalformedCoreDataException;
import io.adtrack.tracker.program.Program;
import io.adtrack.tracker.support.LogThrottle;
import io.adtrack.tracker.traffic.TrafficClassifier;
import io.adtrack.tracker.traffic.TrafficSignals;
import io.adtrack.tracker.validation.CallParameters;
import io.adtrack.tracker.validation.CallValidation;
import io.adtrack.tracker.validation.Rejection;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The path every tracking call takes, whatever its route: look the program up (L1, else Redis), validate the call
 * against it, classify it ({@link TrafficClassifier}: did a person make it?), map it to a {@link TrackingEvent} and
 * put that into the producer buffer, unless INVALID_TRAFFIC=drop keeps traffic no person made out. Every ending is
 * counted; a refusal of a well-formed program id is also told to the {@link RejectionDigest}. Shared by all HTTP
 * verticle instances; thread-safe.
 */
public final class EventIntake {

  private static final Logger LOG = LoggerFactory.getLogger(EventIntake.class);

  private final ProgramCache cache;
  private final ProducerBuffer buffer;
  private final TrackerMetrics metrics;
  private final TrafficClassifier traffic;
  private final RejectionDigest rejections;
  private final LogThrottle errorLog = new LogThrottle(Duration.ofSeconds(10));
  private final LogThrottle saturatedLog = new LogThrottle(Duration.ofSeconds(10));

  public EventIntake(ProgramCache cache, ProducerBuffer buffer, TrackerMetrics metrics, TrafficClassifier traffic,
      RejectionDigest rejections) {
    this.cache = cache;
    this.buffer = buffer;
    this.metrics = metrics;
    this.traffic = traffic;
    this.rejections = rejections;
  }

  /**
   * Tracks one call. Completes at once when L1 holds the program and the call needs no duplicate-click check;
   * otherwise on {@code context} once Redis answered. Never fails: every ending is a {@link TrackResult}. With
   * {@link Recording#ANSWER_ONLY} a valid call ends as accepted, unclassified, without its event entering the buffer.
   *
   * @param signals what the call tells about whether a person made it, read before privacy removed anything
   */
  public Future<TrackResult> track(Context context, Route route, EventType type, String programId,
      CallParameters call, ClientInfo client, TrafficSignals signals, Recording recording) {
    Rejection badId = CallValidation.checkProgramId(programId);
    if (badId != null) {
      return Future.succeededFuture(count(route, null, new TrackResult.Rejected(badId)));
    }
    Call accepted = new Call(context, route, type, programId, call, client, signals, recording);
    ProgramEntry entry = cache.cached(programId);
    if (entry != null) {
      return decide(entry, accepted).map(result -> count(route, programId, result));
    }
    return Future.fromCompletionStage(cache.load(programId), context)
        .transform(loaded -> loaded.succeeded()
            ? decide(loaded.result(), accepted)
            : Future.succeededFuture(loadFailed(loaded.cause())))
        .map(result -> count(route, programId, result));
  }

  /**
   * Counts and returns the rejection of a call refused before it got here (e.g. a malformed query); {@code programId}
   * is the id it named, if any (the digest tells only well-formed ids apart).
   */
  public TrackResult reject(Route route, String programId, Rejection rejection) {
    return count(route, CallValidation.isValidProgramId(programId) ? programId : null,
        new TrackResult.Rejected(rejection));
  }

  /** A call on its way through the intake. */
  private record Call(Context context, Route route, EventType type, String programId, CallParameters parameters,
      ClientInfo client, TrafficSignals signals, Recording recording) {
  }

  /** Validates the call against what L1 or Redis said; classifies it only once it is valid. */
  private Future<TrackResult> decide(ProgramEntry entry, Call call) {
    if (!(entry instanceof ProgramEntry.Known known)) {
      return rejected(Rejection.notFound("unknown program " + call.programId()));
    }
    Program program = known.program();
    long receivedAt = System.currentTimeMillis();
    Instant now = Instant.ofEpochMilli(receivedAt);
    CallParameters parameters = call.parameters();
    Rejection rejection = CallValidation.checkAgainst(program, parameters, now);
    if (rejection != null) {
      return rejected(rejection);
    }
    if (call.type() == EventType.CLICK && program.clickSigningKey().isPresent()) {
      rejection = call.route() == Route.CLICK ? CallValidation.checkClickSignature(program, parameters, now)
          : Rejection.forbidden("clicks of program " + program.programId() + " come through signed /click links only");
      if (rejection != null) {
        return rejected(rejection);
      }
      parameters = parameters.withoutSignature();
    }
    if (call.route() == Route.CLICK && program.landingUrl().isEmpty()) {
      return rejected(Rejection.notFound("program " + call.programId() + " has no landing URL"));
    }
    CallParameters checked = parameters;
    if (call.recording() == Recording.ANSWER_ONLY) {
      TrackingEvent event = EventMapper.toEvent(MessageIds.next(), receivedAt, call.type(), program, checked,
          call.client(), InvalidTraffic.INVALID_TRAFFIC_NONE);
      return Future.succeededFuture(new TrackResult.Accepted(event, program, false));
    }
    return traffic.classify(call.context(), call.type(), program.programId(), call.signals())
        .map(reason -> record(call, program, checked, receivedAt, reason));
  }

  private TrackResult record(Call call, Program program, CallParameters parameters, long receivedAt,
      InvalidTraffic reason) {
    TrackingEvent event = EventMapper.toEvent(MessageIds.next(), receivedAt, call.type(), program, parameters,
        call.client(), reason);
    if (!traffic.forwards(call.route(), reason)) {
      return new TrackResult.Accepted(event, program, false);
    }
    return switch (buffer.offer(new PendingRecord(event.getMessageId(), event.toByteArray()))) {
      case ACCEPTED -> new TrackResult.Accepted(event, program, true);
      case FULL -> new TrackResult.Unavailable(Outcome.BUFFER_FULL, "event buffer full, retry later");
      case TOO_LARGE -> new TrackResult.Rejected(Rejection.badRequest("event exceeds the 1 MiB Kinesis record limit"));
    };
  }

  private static Future<TrackResult> rejected(Rejection rejection) {
    return Future.succeededFuture(new TrackResult.Rejected(rejection));
  }

  private TrackResult loadFailed(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof LookupsSaturatedException) {
      if (saturatedLog.tryAcquire()) {
        LOG.warn("{} program lookups waiting for Redis already: answering misses 503 ({} similar not logged)",
            cache.loadsInFlight(), saturatedLog.takeSuppressed());
      }
      return new TrackResult.Unavailable(Outcome.LOOKUPS_SATURATED, "too many program lookups in flight, retry later");
    }
    if (cause instanceof CoreDataUnavailableException unavailable) {
      // Logged (throttled) where it happened, in the Redis source.
      return new TrackResult.Unavailable(Outcome.CORE_DATA_UNAVAILABLE,
          "core data unavailable: " + unavailable.getMessage());
    }
    if (errorLog.tryAcquire()) {
      LOG.error("Program lookup failed ({} similar errors not logged)", errorLog.takeSuppressed(), cause);
    }
    return cause instanceof MalformedCoreDataException
        ? new TrackResult.Failed("core data of this program is malformed")
        : new TrackResult.Failed("internal error");
  }

  /** Counts a call's ending; a refusal is told to the digest when the call named a well-formed program id. */
  private TrackResult count(Route route, String programId, TrackResult result) {
    metrics.request(route, result.outcome());
    if (programId != null && result instanceof TrackResult.Rejected rejected) {
      rejections.record(programId, rejected.outcome(), rejected.rejection().message());
    }
    return result;
  }
}
