package io.adtrack.tracker.spool;

import java.util.concurrent.atomic.AtomicLong;

/** The figures the writer, the reader and appenders keep together (read by the metrics getters of the spool). */
final class SpoolCounters {

  /** Bytes counted against the bound: segment bytes on disk plus appends waiting for the writer. */
  final AtomicLong usedBytes = new AtomicLong();
  /** Records readable in the spool that were not confirmed yet. */
  final AtomicLong unconfirmedRecords = new AtomicLong();
  /** Message id plus data bytes of those records (what Kinesis will count), without the frames around them. */
  final AtomicLong unconfirmedRecordBytes = new AtomicLong();
  /** Records lost to damage (torn tails, corrupt frames) found at start-up or while reading. */
  final AtomicLong skippedRecords = new AtomicLong();
}
