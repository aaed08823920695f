package io.adtrack.tracker.kinesis;

import io.adtrack.conventions.Backoff;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
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
 *   records go back to the front, in order.</li>
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
  /** The batches out now (the very lists {@link #nextBatch} returned), each with when its oldest was accepted. */
  private final Map<List<PendingRecord>, Long> inFlight = new IdentityHashMap<>();
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
    if (inFlight.size() >= maxInFlight || isPaused(nowNanos)) {
      return List.of();
    }
    if (retries.isEmpty() && !newRecordsDue(nowNanos)) {
      return List.of();
    }
    List<PendingRecord> batch = PutRecordsBatches.next(retries, source, PutRecordsBatches.MAX_RECORDS,
        PutRecordsBatches.MAX_BYTES);
    if (!batch.isEmpty()) {
      inFlight.put(batch, oldestAcceptedAt(batch));
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
    inFlight.remove(batch);
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
    inFlight.remove(batch);
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

  /**
   * When the oldest record not yet stored was accepted, wherever it is now: waiting in the source, in a call out,
   * or waiting to be sent again; -1 when there is none. It walks the records held for a retry, so it is for a
   * periodic look (the age gauge), not for every send.
   */
  public long oldestUnstoredAcceptedAtNanos() {
    long oldest = source.oldestAcceptedAtNanos();
    for (long batchOldest : inFlight.values()) {
      oldest = older(oldest, batchOldest);
    }
    for (PendingRecord record : retries) {
      oldest = older(oldest, record.acceptedAtNanos());
    }
    for (DelayedRetry retry : delayed) {
      oldest = older(oldest, retry.record().acceptedAtNanos());
    }
    return oldest;
  }

  /** Records taken from the source and not yet stored: to send again, or waiting for their backoff. */
  public int retrying() {
    return retries.size() + delayed.size();
  }

  private static long oldestAcceptedAt(List<PendingRecord> batch) {
    long oldest = -1;
    for (PendingRecord record : batch) {
      oldest = older(oldest, record.acceptedAtNanos());
    }
    return oldest;
  }

  /** The earlier of two acceptance times, -1 standing for none (compared by difference: nanoTime may wrap). */
  private static long older(long first, long second) {
    if (first == -1) {
      return second;
    }
    return second == -1 || first - second <= 0 ? first : second;
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
