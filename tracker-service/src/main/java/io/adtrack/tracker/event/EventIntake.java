package io.adtrack.tracker.event;

import io.adtrack.proto.EventType;
import io.adtrack.proto.TrackingEvent;
import io.adtrack.tracker.cache.CoreDataUnavailableException;
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
 * against it, map it to a {@link TrackingEvent} and put that into the producer buffer. Every ending is counted; a
 * refusal of a well-formed program id is also told to the {@link RejectionDigest}. Shared by all HTTP verticle
 * instances; thread-safe.
 */
public final class EventIntake {

  private static final Logger LOG = LoggerFactory.getLogger(EventIntake.class);

  private final ProgramCache cache;
  private final ProducerBuffer buffer;
  private final TrackerMetrics metrics;
  private final RejectionDigest rejections;
  private final LogThrottle errorLog = new LogThrottle(Duration.ofSeconds(10));

  public EventIntake(ProgramCache cache, ProducerBuffer buffer, TrackerMetrics metrics, RejectionDigest rejections) {
    this.cache = cache;
    this.buffer = buffer;
    this.metrics = metrics;
    this.rejections = rejections;
  }

  /**
   * Tracks one call. Completes at once when L1 holds the program; otherwise on {@code context} once Redis answered.
   * Never fails: every ending is a {@link TrackResult}. With {@link Recording#ANSWER_ONLY} a valid call ends as
   * accepted without its event entering the buffer.
   */
  public Future<TrackResult> track(Context context, Route route, EventType type, String programId,
      CallParameters call, ClientInfo client, Recording recording) {
    Rejection badId = CallValidation.checkProgramId(programId);
    if (badId != null) {
      return Future.succeededFuture(count(route, null, new TrackResult.Rejected(badId)));
    }
    ProgramEntry entry = cache.cached(programId);
    if (entry != null) {
      return Future.succeededFuture(count(route, programId,
          decide(entry, programId, route, type, call, client, recording)));
    }
    return Future.fromCompletionStage(cache.load(programId), context)
        .transform(loaded -> Future.succeededFuture(count(route, programId, loaded.succeeded()
            ? decide(loaded.result(), programId, route, type, call, client, recording)
            : loadFailed(loaded.cause()))));
  }

  /**
   * Counts and returns the rejection of a call refused before it got here (e.g. a malformed query); {@code programId}
   * is the id it named, if any (the digest tells only well-formed ids apart).
   */
  public TrackResult reject(Route route, String programId, Rejection rejection) {
    return count(route, CallValidation.isValidProgramId(programId) ? programId : null,
        new TrackResult.Rejected(rejection));
  }

  private TrackResult decide(ProgramEntry entry, String programId, Route route, EventType type, CallParameters call,
      ClientInfo client, Recording recording) {
    if (!(entry instanceof ProgramEntry.Known known)) {
      return new TrackResult.Rejected(Rejection.notFound("unknown program " + programId));
    }
    Program program = known.program();
    long receivedAt = System.currentTimeMillis();
    Rejection rejection = CallValidation.checkAgainst(program, call, Instant.ofEpochMilli(receivedAt));
    if (rejection != null) {
      return new TrackResult.Rejected(rejection);
    }
    if (route == Route.CLICK && program.landingUrl().isEmpty()) {
      return new TrackResult.Rejected(Rejection.notFound("program " + programId + " has no landing URL"));
    }
    TrackingEvent event = EventMapper.toEvent(MessageIds.next(), receivedAt, type, program, call, client);
    if (recording == Recording.ANSWER_ONLY) {
      return new TrackResult.Accepted(event, program, false);
    }
    return switch (buffer.offer(new PendingRecord(event.getMessageId(), event.toByteArray()))) {
      case ACCEPTED -> new TrackResult.Accepted(event, program, true);
      case FULL -> new TrackResult.Unavailable(Outcome.BUFFER_FULL, "event buffer full, retry later");
      case TOO_LARGE -> new TrackResult.Rejected(Rejection.badRequest("event exceeds the 1 MiB Kinesis record limit"));
    };
  }

  private TrackResult loadFailed(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
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
