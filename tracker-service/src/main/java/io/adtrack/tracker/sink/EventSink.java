package io.adtrack.tracker.sink;

import io.vertx.core.Future;
import java.util.List;

/**
 * The one port through which the intake hands on a valid event, and what readiness and the metrics ask about
 * delivery. What "accepted" promises depends on the implementation, chosen by ACK_AFTER: in memory, appended to the
 * local spool, or stored by Kinesis. Thread-safe: offered to from every HTTP event loop.
 */
public interface EventSink {

  /**
   * Offers one serialized event. The future completes on the caller's Vert.x context once the sink has decided, and
   * never fails: {@link Offer#ACCEPTED} only once the event is kept as this sink promises, so the caller answers
   * only then. Must not block.
   *
   * @param messageId the event's message id (its Kinesis partition key)
   * @param data      the serialized {@code TrackingEvent}; not to be changed afterwards
   */
  Future<Offer> offer(String messageId, byte[] data);

  /** The readiness checks of this sink, each with its reason or figures: whether it takes events now, and why not. */
  List<SinkCheck> checks();

  /** Events accepted and not yet stored by Kinesis. */
  long records();

  /** Message id plus data bytes of {@link #records()}. */
  long bytes();

  /** How long ago the oldest of {@link #records()} was accepted, in ms; 0 when there is none. */
  long oldestAgeMillis();

  /**
   * Releases what the sink holds once the sender has stopped (it has sent what it could): the spool saves its
   * checkpoint and lets go of its directory. Whatever is not stored by then is either kept for the next start (the
   * spool) or lost with the process (memory), and said so in the log. Idempotent.
   */
  Future<Void> close();
}
