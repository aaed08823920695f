package io.adtrack.tracker.event;

/** Whether a valid call becomes an event on the stream. */
public enum Recording {
  /** The call is an impression, click or event: record it. */
  RECORD,
  /**
   * Answer as if, but record (and classify) nothing: a HEAD, which link checkers and uptime probes send; it is not
   * traffic at all. (A prefetch is traffic, classified as such: see {@code TrafficClassifier}.)
   */
  ANSWER_ONLY
}
