package io.adtrack.tracker.spool;

/**
 * Whether the spool takes records now, and if not why (for readiness): it cannot write (disk full, I/O error),
 * it is (nearly) full, or it is closed.
 *
 * @param reason empty when ready
 */
public record SpoolHealth(boolean ready, String reason) {

  static final SpoolHealth READY = new SpoolHealth(true, "");

  static SpoolHealth notReady(String reason) {
    return new SpoolHealth(false, reason);
  }
}
