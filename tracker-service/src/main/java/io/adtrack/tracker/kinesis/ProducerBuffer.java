package io.adtrack.tracker.kinesis;

import com.google.common.base.Ticker;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded hand-over between HTTP handlers (many event loops, {@link #offer}) and the Kinesis sender (one
 * context, {@link #poll}). A record counts against the bounds from the moment it is accepted until Kinesis has
 * stored it ({@link #release}), including while it is in flight or waiting for a retry: so when Kinesis is down
 * the buffer fills and callers get 503 instead of events being dropped. Once {@link #close() closed} (shutdown) it
 * takes nothing more, so what the sender flushes is everything it ever accepted.
 */
public final class ProducerBuffer implements RecordSource {

  /** The Kinesis limit for one record (data plus partition key). */
  public static final long MAX_RECORD_BYTES = 1L << 20;

  /** What {@link #offer} did with a record. */
  public enum Offer { ACCEPTED, FULL, TOO_LARGE }

  private final int maxRecords;
  private final long maxBytes;
  private final ConcurrentLinkedQueue<PendingRecord> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger records = new AtomicInteger();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicInteger queued = new AtomicInteger();
  private final int batchSize;
  private final Ticker ticker;
  private volatile Runnable sendable = () -> { };
  private volatile boolean closed;

  /**
   * @param batchSize every time this many records are waiting, {@link #onSendable} is told
   * @param ticker    stamps each record with when it was accepted, for the sender's linger and the age of what is
   *                  not stored yet
   */
  public ProducerBuffer(int maxRecords, long maxBytes, int batchSize, Ticker ticker) {
    this.maxRecords = maxRecords;
    this.maxBytes = maxBytes;
    this.batchSize = batchSize;
    this.ticker = ticker;
  }

  /**
   * Registers who is told when the sender may have work it did not hear of: a first record waits (its linger starts)
   * or a full batch waits. Called from any thread that offers.
   */
  public void onSendable(Runnable listener) {
    this.sendable = listener;
  }

  /** Takes the record unless that would exceed a bound or the buffer is closed. Thread-safe and non-blocking. */
  public Offer offer(PendingRecord record) {
    long size = record.size();
    if (size > MAX_RECORD_BYTES) {
      return Offer.TOO_LARGE;
    }
    // Counted before the closed check: a sender that closes and then sees depth 0 cannot miss this record.
    if (records.incrementAndGet() > maxRecords || closed) {
      records.decrementAndGet();
      return Offer.FULL;
    }
    if (bytes.addAndGet(size) > maxBytes) {
      bytes.addAndGet(-size);
      records.decrementAndGet();
      return Offer.FULL;
    }
    record.accepted(ticker.read());
    queue.add(record);
    int nowWaiting = queued.incrementAndGet();
    if (nowWaiting == 1 || nowWaiting % batchSize == 0) {
      sendable.run();
    }
    return Offer.ACCEPTED;
  }

  /** Takes no record from now on ({@link Offer#FULL}: the caller retries, elsewhere); what it holds stays. */
  public void close() {
    closed = true;
  }

  @Override
  public PendingRecord peek() {
    return queue.peek();
  }

  @Override
  public long oldestAcceptedAtNanos() {
    PendingRecord head = queue.peek();
    return head == null ? -1 : head.acceptedAtNanos();
  }

  /** Takes the oldest waiting record; it still counts against the bounds until {@link #release}. */
  @Override
  public PendingRecord poll() {
    PendingRecord head = queue.poll();
    if (head != null) {
      queued.decrementAndGet();
    }
    return head;
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

  @Override
  public int waiting() {
    return queued.get();
  }

  /** Whether the buffer is (nearly) full: 90% of either bound, the point where readiness should turn red. */
  public boolean saturated() {
    return records.get() >= maxRecords * 0.9 || bytes.get() >= maxBytes * 0.9;
  }
}
