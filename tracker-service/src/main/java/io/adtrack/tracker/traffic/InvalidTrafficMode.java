package io.adtrack.tracker.traffic;

/**
 * INVALID_TRAFFIC: what happens to an event the tracker thinks no person made. Either way the caller gets the answer
 * a person would (a bot gets its GIF or redirect), so nothing tells it that it was recognised.
 */
public enum InvalidTrafficMode {
  /** Forwarded with its reason in {@code invalid_traffic}, so advertisers can audit what was filtered. */
  FLAG,
  /** Counted on /metrics and not forwarded. */
  DROP
}
