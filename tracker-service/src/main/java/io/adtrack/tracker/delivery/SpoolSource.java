package io.adtrack.tracker.delivery;

import com.google.common.base.Ticker;
import io.adtrack.tracker.kinesis.PendingRecord;
import io.adtrack.tracker.kinesis.PutRecordsBatches;
import io.adtrack.tracker.kinesis.RecordSource;
import io.adtrack.tracker.spool.Spool;
import io.adtrack.tracker.spool.SpoolRecord;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The spool as the Kinesis sender's source. Records are taken from the spool's read-ahead a PutRecords batch at a
 * time and confirmed one by one as Kinesis stores them ({@link SpooledRecord#stored()}). The sender takes nothing
 * while it is paused by an outage, so the backlog stays in the spool's files. Sender's context only, except
 * {@link #onAvailable} and {@link #unstored()}.
 */
final class SpoolSource implements RecordSource {

  private final Spool spool;
  private final Ticker ticker;
  private final LongSupplier clockMillis;
  /** Taken from the spool (handed out once per open), not yet handed to the sender. */
  private final ArrayDeque<SpooledRecord> taken = new ArrayDeque<>();

  /**
   * @param ticker      the sender's ticker
   * @param clockMillis the wall clock the spool stamps appends with, to put their age on the ticker's scale
   */
  SpoolSource(Spool spool, Ticker ticker, LongSupplier clockMillis) {
    this.spool = spool;
    this.ticker = ticker;
    this.clockMillis = clockMillis;
  }

  @Override
  public int waiting() {
    return taken.size() + spool.waiting();
  }

  @Override
  public long oldestAcceptedAtNanos() {
    PendingRecord head = peek();
    return head == null ? -1 : head.acceptedAtNanos();
  }

  @Override
  public PendingRecord peek() {
    refill();
    return taken.peekFirst();
  }

  @Override
  public PendingRecord poll() {
    refill();
    return taken.pollFirst();
  }

  @Override
  public void onAvailable(Runnable listener) {
    spool.onRecordsAvailable(listener);
  }

  /** Nothing to do: a stored record was confirmed ({@link SpooledRecord#stored()}), which frees its disk. */
  @Override
  public void release(List<PendingRecord> records) {
  }

  @Override
  public void close() {
    spool.stopAppends();
  }

  @Override
  public long unstored() {
    return spool.records();
  }

  private void refill() {
    if (!taken.isEmpty()) {
      return;
    }
    List<SpoolRecord> next = spool.poll(PutRecordsBatches.MAX_RECORDS, PutRecordsBatches.MAX_BYTES);
    if (next.isEmpty()) {
      return;
    }
    long nowNanos = ticker.read();
    long nowMillis = clockMillis.getAsLong();
    for (SpoolRecord record : next) {
      long ageNanos = Math.max(0, nowMillis - record.appendedAtMillis()) * 1_000_000;
      taken.add(new SpooledRecord(spool, record, nowNanos - ageNanos));
    }
  }
}
