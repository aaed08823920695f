package io.adtrack.tracker.config;

/**
 * ACK_AFTER: when a tracking call is answered, and so what an answer promises (docs/delivery.md has the table of
 * what each mode survives).
 */
public enum AckAfter {
  /**
   * Once the event is appended to the local spool in SPOOL_DIR (the default): it survives a crash of the process
   * and, on the same disk, a restart; the Kinesis sender reads the spool and sends it on.
   */
  SPOOL,
  /**
   * Once Kinesis stored the event (its PutRecords entry succeeded): survives the loss of the whole task. Kinesis
   * unreachable or slower than ACK_TIMEOUT_MS is a 503.
   */
  KINESIS,
  /** Once the event is in the bounded in-memory buffer: the lowest latency, and a crash loses the buffer. */
  MEMORY
}
