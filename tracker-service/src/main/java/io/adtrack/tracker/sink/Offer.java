package io.adtrack.tracker.sink;

/** What an {@link EventSink} did with an event. Everything but ACCEPTED and TOO_LARGE asks the client to retry. */
public enum Offer {
  /** Kept as the sink promises (in memory, in the spool, or in Kinesis): answer the client. */
  ACCEPTED,
  /** The sink holds its maximum (the buffer or the spool is full: Kinesis is down or slow), or is shutting down. */
  FULL,
  /** Over Kinesis' 1 MiB record limit: retrying will not help. */
  TOO_LARGE,
  /** The sink cannot keep events right now: the spool's disk is full or failing. */
  UNAVAILABLE,
  /** Kinesis did not confirm the event within ACK_TIMEOUT_MS (ACK_AFTER=kinesis); it is not sent after that. */
  TIMED_OUT
}
