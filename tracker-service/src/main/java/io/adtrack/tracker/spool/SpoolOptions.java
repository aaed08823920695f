package io.adtrack.tracker.spool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Spool} is laid out and bounded. Build with {@link #of} and adjust with the {@code with} methods.
 *
 * @param directory          where segments, checkpoint and lock file live (SPOOL_DIR); must exist and be writable
 * @param maxBytes           bound on the segments' bytes on disk plus appends waiting for the writer
 *                           (SPOOL_MAX_BYTES); beyond it appends answer {@link AppendResult#FULL}
 * @param fsyncInterval      zero: never fsync (an appended record survives a process crash, not an OS crash);
 *                           otherwise fsync at most this often and answer only once the record is synced
 *                           (SPOOL_FSYNC_MS)
 * @param segmentBytes       a segment is closed and a new one begun once it would grow past this; disk comes back
 *                           a segment at a time, so keep it well below {@code maxBytes}
 * @param maxRecordBytes     bound on message id plus data bytes of one record (Kinesis: 1 MiB)
 * @param maxPendingBytes    bound on appends held in memory waiting for the writer (a stalled disk answers
 *                           {@link AppendResult#FULL} instead of growing the heap)
 * @param readAheadRecords   bound on records the reader holds in memory ahead of {@link Spool#poll}
 * @param readAheadBytes     the same bound in bytes
 * @param checkpointInterval how often the confirmation watermark is saved (saved again at close)
 * @param probeInterval      after a failed write, how often an idle spool tries whether the disk takes bytes again
 */
public record SpoolOptions(Path directory, long maxBytes, Duration fsyncInterval, long segmentBytes,
    int maxRecordBytes, long maxPendingBytes, int readAheadRecords, long readAheadBytes,
    Duration checkpointInterval, Duration probeInterval) {

  static final int KINESIS_MAX_RECORD_BYTES = 1 << 20;
  private static final long MAX_SEGMENT_BYTES = 16L << 20;
  private static final long MIN_SEGMENT_BYTES = 64L << 10;

  public SpoolOptions {
    Objects.requireNonNull(directory, "directory");
    requirePositive(maxBytes, "maxBytes");
    requirePositive(segmentBytes, "segmentBytes");
    requirePositive(maxPendingBytes, "maxPendingBytes");
    requirePositive(readAheadRecords, "readAheadRecords");
    requirePositive(readAheadBytes, "readAheadBytes");
    if (fsyncInterval.isNegative()) {
      throw new IllegalArgumentException("fsyncInterval must not be negative: " + fsyncInterval);
    }
    if (maxRecordBytes <= 0 || maxRecordBytes > Frame.MAX_BODY_BYTES - 2 - Frame.MAX_ID_BYTES) {
      throw new IllegalArgumentException("maxRecordBytes out of range: " + maxRecordBytes);
    }
    if (checkpointInterval.isNegative() || checkpointInterval.isZero() || probeInterval.isNegative()
        || probeInterval.isZero()) {
      throw new IllegalArgumentException("checkpointInterval and probeInterval must be positive");
    }
  }

  /**
   * A spool in {@code directory} bounded by {@code maxBytes}, syncing every {@code fsyncInterval} (zero: never),
   * with segments of a sixteenth of the bound (64 KiB .. 16 MiB: small enough that a drained backlog gives its disk
   * back a piece at a time, large enough that a new file is begun only every few seconds at full load), records up
   * to 1 MiB, and a read-ahead of 2,000 records / 8 MiB (four full PutRecords batches).
   */
  public static SpoolOptions of(Path directory, long maxBytes, Duration fsyncInterval) {
    long segmentBytes = Math.max(MIN_SEGMENT_BYTES, Math.min(MAX_SEGMENT_BYTES, maxBytes / 16));
    return new SpoolOptions(directory, maxBytes, fsyncInterval, segmentBytes, KINESIS_MAX_RECORD_BYTES,
        8L << 20, 2_000, 8L << 20, Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  public SpoolOptions withMaxBytes(long bytes) {
    return new SpoolOptions(directory, bytes, fsyncInterval, segmentBytes, maxRecordBytes, maxPendingBytes,
        readAheadRecords, readAheadBytes, checkpointInterval, probeInterval);
  }

  public SpoolOptions withFsyncInterval(Duration interval) {
    return new SpoolOptions(directory, maxBytes, interval, segmentBytes, maxRecordBytes, maxPendingBytes,
        readAheadRecords, readAheadBytes, checkpointInterval, probeInterval);
  }

  public SpoolOptions withSegmentBytes(long bytes) {
    return new SpoolOptions(directory, maxBytes, fsyncInterval, bytes, maxRecordBytes, maxPendingBytes,
        readAheadRecords, readAheadBytes, checkpointInterval, probeInterval);
  }

  public SpoolOptions withMaxRecordBytes(int bytes) {
    return new SpoolOptions(directory, maxBytes, fsyncInterval, segmentBytes, bytes, maxPendingBytes,
        readAheadRecords, readAheadBytes, checkpointInterval, probeInterval);
  }

  public SpoolOptions withMaxPendingBytes(long bytes) {
    return new SpoolOptions(directory, maxBytes, fsyncInterval, segmentBytes, maxRecordBytes, bytes,
        readAheadRecords, readAheadBytes, checkpointInterval, probeInterval);
  }

  public SpoolOptions withReadAhead(int records, long bytes) {
    return new SpoolOptions(directory, maxBytes, fsyncInterval, segmentBytes, maxRecordBytes, maxPendingBytes,
        records, bytes, checkpointInterval, probeInterval);
  }

  public SpoolOptions withDirectory(Path path) {
    return new SpoolOptions(path, maxBytes, fsyncInterval, segmentBytes, maxRecordBytes, maxPendingBytes,
        readAheadRecords, readAheadBytes, checkpointInterval, probeInterval);
  }

  public SpoolOptions withProbeInterval(Duration interval) {
    return new SpoolOptions(directory, maxBytes, fsyncInterval, segmentBytes, maxRecordBytes, maxPendingBytes,
        readAheadRecords, readAheadBytes, checkpointInterval, interval);
  }

  /** Whether appends wait for an fsync. */
  public boolean syncs() {
    return !fsyncInterval.isZero();
  }

  private static void requirePositive(long value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }
}
