package io.adtrack.tracker.metrics;

/** How a tracking call ended, as the {@code outcome} tag of {@code tracker_requests_total}. */
public enum Outcome {
  /** Valid, and the event is in the producer buffer. */
  ACCEPTED("accepted"),
  /** Valid and answered, deliberately not recorded: a HEAD, or invalid traffic under INVALID_TRAFFIC=drop. */
  UNRECORDED("unrecorded"),
  /** 400: bad parameters or a combination that does not match the program. */
  BAD_REQUEST("bad_request"),
  /** 403: a click link of a program that signs its links, unsigned, wrongly signed or expired. */
  FORBIDDEN("forbidden"),
  /** 404: no such program (or it was deleted). */
  NOT_FOUND("not_found"),
  /** 410: the program exists but is not valid now. */
  GONE("gone"),
  /** 503: the core data could not be read (Redis down or slow). */
  CORE_DATA_UNAVAILABLE("core_data_unavailable"),
  /** 503: REDIS_MAX_MISSES_IN_FLIGHT lookups of uncached ids are waiting for Redis already (a flood, or Redis slow). */
  LOOKUPS_SATURATED("lookups_saturated"),
  /** 503: the producer buffer is full (Kinesis down or slow). */
  BUFFER_FULL("buffer_full"),
  /** 500: something we did not expect, e.g. malformed core data. */
  ERROR("error");

  private final String tag;

  Outcome(String tag) {
    this.tag = tag;
  }

  public String tag() {
    return tag;
  }
}
