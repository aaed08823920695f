package io.adtrack.tracker.spool;

/** What became of one {@link Spool#append}. */
public enum AppendResult {
  /** The record is in the spool: written to the OS (and synced, when the spool syncs) — answer the client. */
  APPENDED,
  /** The spool holds its maximum (or the writer is that far behind): try again later. */
  FULL,
  /** Message id and data are over the spool's record limit: retrying will not help. */
  TOO_LARGE,
  /** The write failed (disk full, I/O error): nothing of the record is kept; the spool says why in its health. */
  UNAVAILABLE,
  /** The spool is closing or closed. */
  CLOSED
}
