package io.adtrack.tracker.kinesis;

import io.adtrack.conventions.Backoff;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.OptionalLong;
import java.util.PriorityQueue;

/**
 * What the Kinesis sender sends next, and when: the batching and retry state, without I/O and without a clock.
 * Every method takes the current time ({@code System.nanoTime()} scale, from whatever ticker the owner uses), so a
 * test drives it step by step and a memory-backed or a spool-backed sender can share it.
 *
 * <ul>
 *   <li>A batch takes records to retry first (they are older), then new ones from the {@link RecordSource}, within
 *   PutRecords' limits (500 records, 5 MiB). A partial batch of new records waits until its oldest record has
 *   lingered for {@code linger}, unless flushing; at most {@code maxInFlight} calls are out at once.</li>
 *   <li>An entry refused inside a PutRecords that stored others (typically a throttled hot shard) waits for its own
 *   backoff, by its own failure count, while everything else keeps flowing: pausing the whole sender for it would
 *   cut throughput to a trickle under steady partial throttling.</li>
 *   <li>A call that failed as a whole (connection, 5xx, timeout) or stored nothing pauses the sender as a whole,
 *   by a backoff that grows with such failures in a row and resets on the first call that stores anything; its
 *   records go back to the front, in order. Until a call stores something again, the sender probes: one call at a
 *   time, with the records it already holds, taking new ones from the source only when it holds none. So during an
 *   outage a backlog stays where the source keeps it (the spool's files, or the bounded buffer), and the sender's
 *   own memory holds one batch, not a batch per call it may have in flight.</li>
 *   <li>A record nobody wants any more ({@link PendingRecord#abandoned()}) is left out of every batch, new or
 *   retried, and handed back by {@link #takeAbandoned()}.</li>
 * </ul>
 * Not thread-safe: its owner calls it from one thread (the sender's context).
 */
public final class SendSchedule {

  /** Past this many failures of one record the backoff ceiling is the cap anyway; groups retries of one answer. */
  private static final int MAX_DISTINCT_FAILURE_COUNTS = 32;

  private final RecordSource source;
  private final long lingerNanos;
  private final int maxInFlight;
  private final Backoff backoff;
  /** Records to send again now, ahead of new ones. */
  private final Deque<PendingRecord> retries = new ArrayDeque<>();
  /** Refused records waiting for their own backoff, earliest due first, in refusal order when due together. */
  private final PriorityQueue<DelayedRetry> delayed = new PriorityQueue<>(
      Comparator.comparingLong(DelayedRetry::dueNanos).thenComparingLong(DelayedRetry::sequence));
  private long delayedSequence;
  /** The batches out now, by identity; each batch's first record is its oldest (retries come first). */
  private final List<List<PendingRecord>> inFlight = new ArrayList<>();
  private List<PendingRecord> abandoned = new ArrayList<>();
  private boolean paused;
  private long pausedUntilNanos;
  private int callFailuresInARow;
  private boolean flushing;

  /**
   * @param linger      how long a partial batch of new records may wait for company
   * @param maxInFlight PutRecords calls out at once
   * @param backoff     the wait of a refused record (by its failures) and of the paused sender (by calls failed in a
   *                    row)
   */
  public SendSchedule(RecordSource source, Duration linger, int maxInFlight, Backoff backoff) {
    this.source = source;
    this.lingerNanos = linger.toNanos();
    this.maxInFlight = maxInFlight;
    this.backoff = backoff;
  }

  /**
   * The next batch to send now, counted in flight until {@link #stored} or {@link #callFailed} reports its end; an
   * empty list when nothing is to be sent now.
   */
  public List<PendingRecord> nextBatch(long nowNanos) {
    promoteDueRetries(nowNanos);
    boolean probing = callFailuresInARow > 0;
    if (inFlight.size() >= (probing ? 1 : maxInFlight) || isPaused(nowNanos)) {
      return List.of();
    }
    if (retries.isEmpty() && (probing && !delayed.isEmpty() || !newRecordsDue(nowNanos))) {
      return List.of();
    }
    List<PendingRecord> batch = PutRecordsBatches.next(retries, probing && !retries.isEmpty() ? null : source,
        PutRecordsBatches.MAX_RECORDS, PutRecordsBatches.MAX_BYTES, abandoned);
    if (!batch.isEmpty()) {
      inFlight.add(batch);
    }
    return batch;
  }

  /**
   * Kinesis answered a batch: {@code failed} (a subset of it) were refused. Each of those waits for its own
   * backoff; records of one answer with the same failure count share one random draw, so they go out together
   * again rather than as a splinter of tiny calls. A call that stored anything ends a pause of the sender; one that
   * stored nothing starts or prolongs it.
   */
  public void stored(List<PendingRecord> batch, List<PendingRecord> failed, long nowNanos) {
    ended(batch);
    if (failed.size() < batch.size()) {
      callFailuresInARow = 0;
      paused = false;
    }
    long[] dueByFailures = new long[MAX_DISTINCT_FAILURE_COUNTS];
    for (PendingRecord record : failed) {
      int failures = Math.min(record.failedOnceMore(), MAX_DISTINCT_FAILURE_COUNTS);
      if (dueByFailures[failures - 1] == 0) {
        dueByFailures[failures - 1] = nowNanos + backoff.delayNanos(failures);
      }
      delayed.add(new DelayedRetry(record, dueByFailures[failures - 1], delayedSequence++));
    }
    if (!failed.isEmpty() && failed.size() == batch.size()) {
      pause(nowNanos);
    }
  }

  /** A call failed as a whole: its records go back to the front, in order, and the sender pauses. */
  public void callFailed(List<PendingRecord> batch, long nowNanos) {
    ended(batch);
    for (int i = batch.size() - 1; i >= 0; i--) {
      retries.addFirst(batch.get(i));
    }
    pause(nowNanos);
  }

  /** From now on a partial batch goes at once (shutdown: nothing more will come to fill it). */
  public void flush() {
    flushing = true;
  }

  /**
   * The earliest moment something becomes sendable that no completion and no new record will announce: the end of
   * a pause, a refused record's backoff, or the linger of the oldest waiting record. Empty when only such an event
   * can make anything sendable.
   */
  public OptionalLong nextWakeUpNanos(long nowNanos) {
    if (isPaused(nowNanos)) {
      return OptionalLong.of(pausedUntilNanos);
    }
    long earliest = Long.MAX_VALUE;
    boolean any = false;
    DelayedRetry head = delayed.peek();
    if (head != null) {
      earliest = head.dueNanos();
      any = true;
    }
    long oldest = source.oldestAcceptedAtNanos();
    if (inFlight.size() < maxInFlight && oldest >= 0 && (!any || oldest + lingerNanos - earliest < 0)) {
      earliest = oldest + lingerNanos;
      any = true;
    }
    return any ? OptionalLong.of(earliest) : OptionalLong.empty();
  }

  /** PutRecords calls out now. */
  public int inFlight() {
    return inFlight.size();
  }

  /** The records left out of batches since the last call because they were abandoned; the caller releases them. */
  public List<PendingRecord> takeAbandoned() {
    if (abandoned.isEmpty()) {
      return List.of();
    }
    List<PendingRecord> taken = abandoned;
    abandoned = new ArrayList<>();
    return taken;
  }

  /**
   * When the oldest record taken from the source and not yet stored was accepted, or -1 when none is held: every
   * record waiting for a retry, and the first (oldest) record of each batch in flight.
   */
  public long oldestHeldNanos() {
    long oldest = Long.MAX_VALUE;
    boolean any = false;
    for (List<PendingRecord> batch : inFlight) {
      oldest = Math.min(oldest, batch.get(0).acceptedAtNanos());
      any = true;
    }
    for (PendingRecord record : retries) {
      oldest = Math.min(oldest, record.acceptedAtNanos());
      any = true;
    }
    for (DelayedRetry retry : delayed) {
      oldest = Math.min(oldest, retry.record().acceptedAtNanos());
      any = true;
    }
    return any ? oldest : -1;
  }

  private void ended(List<PendingRecord> batch) {
    for (int i = 0; i < inFlight.size(); i++) {
      if (inFlight.get(i) == batch) {
        inFlight.remove(i);
        return;
      }
    }
    throw new IllegalStateException("a batch ended that was not in flight");
  }

  /** Records taken from the source and not yet stored: to send again, or waiting for their backoff. */
  public int retrying() {
    return retries.size() + delayed.size();
  }

  private boolean isPaused(long nowNanos) {
    return paused && nowNanos - pausedUntilNanos < 0;
  }

  /** Nothing gets through: no call at all until a backoff, growing with each such failure in a row, has passed. */
  private void pause(long nowNanos) {
    callFailuresInARow++;
    long until = nowNanos + backoff.delayNanos(callFailuresInARow);
    pausedUntilNanos = paused && pausedUntilNanos - until > 0 ? pausedUntilNanos : until;
    paused = true;
  }

  private void promoteDueRetries(long nowNanos) {
    DelayedRetry head = delayed.peek();
    while (head != null && nowNanos - head.dueNanos() >= 0) {
      retries.addLast(delayed.poll().record());
      head = delayed.peek();
    }
  }

  private boolean newRecordsDue(long nowNanos) {
    int waiting = source.waiting();
    if (waiting == 0) {
      return false;
    }
    long oldest = source.oldestAcceptedAtNanos();
    return flushing || waiting >= PutRecordsBatches.MAX_RECORDS || oldest >= 0 && nowNanos - oldest >= lingerNanos;
  }

  private record DelayedRetry(PendingRecord record, long dueNanos, long sequence) {
  }
}
