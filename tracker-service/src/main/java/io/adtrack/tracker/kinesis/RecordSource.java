package io.adtrack.tracker.kinesis;

/**
 * Where the Kinesis sender takes new records from, oldest first: the in-memory {@link ProducerBuffer} today; a
 * durable spool would be another. Taken by one sender, on its context only.
 */
public interface RecordSource {

  /** Records accepted and not yet taken. */
  int waiting();

  /** When the oldest waiting record was accepted (the source's ticker), or -1 when none waits. */
  long oldestAcceptedAtNanos();

  /** The oldest waiting record, without taking it; null when none waits. */
  PendingRecord peek();

  /** Takes the oldest waiting record; null when none waits. */
  PendingRecord poll();
}
