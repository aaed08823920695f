package io.adtrack.tracker.kinesis;

import java.util.List;

/**
 * Where the Kinesis sender takes new records from, oldest first, and what it tells about them: the in-memory
 * {@link ProducerBuffer} (ACK_AFTER=memory or kinesis) or the durable spool (ACK_AFTER=spool). Taken by one sender,
 * on its context; {@link #onAvailable} and {@link #unstored()} may be called from any thread.
 */
public interface RecordSource {

  /** Records accepted and not yet taken. */
  int waiting();

  /** When the oldest waiting record was accepted (the sender's ticker), or -1 when none waits. */
  long oldestAcceptedAtNanos();

  /** The oldest waiting record, without taking it; null when none waits. */
  PendingRecord peek();

  /** Takes the oldest waiting record; null when none waits. */
  PendingRecord poll();

  /**
   * Registers who is told, from whatever thread takes records in, when records the sender did not hear of wait.
   * The sender hops to its own context there.
   */
  void onAvailable(Runnable listener);

  /**
   * These records, taken before, leave the sender: Kinesis stored them ({@link PendingRecord#stored()} was called),
   * or they were abandoned. A bounded source stops counting them against its bounds.
   */
  void release(List<PendingRecord> records);

  /**
   * The sender holds records taken from here and not yet stored, the oldest of them accepted at
   * {@code oldestAcceptedAtNanos} (-1: none): for a source that reports the age of its oldest unstored record.
   */
  default void senderHolds(long oldestAcceptedAtNanos) {
  }

  /** Takes nothing new from now on (shutdown); what it holds is still taken, sent and released. */
  void close();

  /** Records accepted and not yet stored by Kinesis: waiting, taken, in flight or to be retried. */
  long unstored();
}
