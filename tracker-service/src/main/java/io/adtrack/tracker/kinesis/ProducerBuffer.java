package io.adtrack.tracker.kinesis;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded hand-over between HTTP handlers (many event loops, {@link #offer}) and the Kinesis sender (one
 * context, {@link #poll}). A record counts against the bounds from the moment it is accepted until Kinesis has
 * stored it ({@link #release}), including while it is in flight or waiting for a retry: so when Kinesis is down
 * the buffer fills and callers get 503 instead of events being dropped.
 */
public final class ProducerBuffer {

  /** The Kinesis limit for one record (data plus partition key). */
  public static final long MAX_RECORD_BYTES = 1L << 20;

  /** What {@link #offer} did with a record. */
  public enum Offer { ACCEPTED, FULL, TOO_LARGE }

  private final int maxRecords;
  private final long maxBytes;
  private final ConcurrentLinkedQueue<QueuedRecord> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger records = new AtomicInteger();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicInteger queued = new AtomicInteger();
  private volatile Runnable batchReady = () -> { };
  private final int batchSize;

  /**
   * @param batchSize every time this many records are waiting, {@link #onBatchReady} is told (instead of the
   *                  sender waiting for its linger tick)
   */
  public ProducerBuffer(int maxRecords, long maxBytes, int batchSize) {
    this.maxRecords = maxRecords;
    this.maxBytes = maxBytes;
    this.batchSize = batchSize;
  }

  /** Registers who is told when a full batch is waiting. Called from any thread that offers. */
  public void onBatchReady(Runnable listener) {
    this.batchReady = listener;
  }

  /** Takes the record unless that would exceed a bound. Thread-safe and non-blocking. */
  public Offer offer(PendingRecord record) {
    long size = record.size();
    if (size > MAX_RECORD_BYTES) {
      return Offer.TOO_LARGE;
    }
    if (records.incrementAndGet() > maxRecords) {
      records.decrementAndGet();
      return Offer.FULL;
    }
    if (bytes.addAndGet(size) > maxBytes) {
      bytes.addAndGet(-size);
      records.decrementAndGet();
      return Offer.FULL;
    }
    queue.add(new QueuedRecord(record, System.nanoTime()));
    if (queued.incrementAndGet() % batchSize == 0) {
      batchReady.run();
    }
    return Offer.ACCEPTED;
  }

  /** The oldest waiting record, without taking it (sender only). */
  public PendingRecord peek() {
    QueuedRecord head = queue.peek();
    return head == null ? null : head.record();
  }

  /** When the oldest waiting record was accepted ({@link System#nanoTime()}), or -1 when none waits. */
  public long oldestAcceptedAtNanos() {
    QueuedRecord head = queue.peek();
    return head == null ? -1 : head.acceptedAtNanos();
  }

  /** Takes the oldest waiting record; it still counts against the bounds until {@link #release} (sender only). */
  public PendingRecord poll() {
    QueuedRecord head = queue.poll();
    if (head == null) {
      return null;
    }
    queued.decrementAndGet();
    return head.record();
  }

  /** Kinesis stored these: they stop counting against the bounds. */
  public void release(int recordCount, long byteCount) {
    records.addAndGet(-recordCount);
    bytes.addAndGet(-byteCount);
  }

  /** Records accepted and not yet stored by Kinesis (waiting, in flight or to be retried). */
  public int depth() {
    return records.get();
  }

  /** Bytes of {@link #depth()}. */
  public long depthBytes() {
    return bytes.get();
  }

  /** Records accepted and not yet taken by the sender. */
  public int waiting() {
    return queued.get();
  }

  /** Whether the buffer is (nearly) full: 90% of either bound, the point where readiness should turn red. */
  public boolean saturated() {
    return records.get() >= maxRecords * 0.9 || bytes.get() >= maxBytes * 0.9;
  }

  private record QueuedRecord(PendingRecord record, long acceptedAtNanos) {
  }
}
