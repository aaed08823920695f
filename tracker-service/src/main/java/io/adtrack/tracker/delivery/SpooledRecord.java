package io.adtrack.tracker.delivery;

import io.adtrack.tracker.kinesis.PendingRecord;
import io.adtrack.tracker.spool.Spool;
import io.adtrack.tracker.spool.SpoolRecord;

/** A record read back from the spool: once Kinesis stored it, the spool is told, so it is never sent again. */
final class SpooledRecord extends PendingRecord {

  private final Spool spool;
  private final SpoolRecord record;

  SpooledRecord(Spool spool, SpoolRecord record, long acceptedAtNanos) {
    super(record.messageId(), record.data(), acceptedAtNanos);
    this.spool = spool;
    this.record = record;
  }

  @Override
  protected void stored() {
    spool.confirm(record);
  }
}
