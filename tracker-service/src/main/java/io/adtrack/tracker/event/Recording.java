package io.adtrack.tracker.event;

/** Whether a valid call becomes an event on the stream. */
public enum Recording {
  /** The call is an impression, click or event: record it. */
  RECORD,
  /**
   * Answer as if, but record nothing: a HEAD (link checkers, uptime probes) or a prefetch, which nobody has seen or
   * clicked yet.
   */
  ANSWER_ONLY
}
