package io.adtrack.tracker.event;

import io.adtrack.proto.TrackingEvent;
import io.adtrack.tracker.metrics.Outcome;
import io.adtrack.tracker.program.Program;
import io.adtrack.tracker.validation.Rejection;

/** How one tracking call ended; each route turns it into its own kind of response. */
public sealed interface TrackResult
    permits TrackResult.Accepted, TrackResult.Rejected, TrackResult.Unavailable, TrackResult.Failed {

  Outcome outcome();

  /**
   * Valid, and the event is in the producer buffer, unless the call was answered without recording (a HEAD, or
   * invalid traffic under INVALID_TRAFFIC=drop): then {@code recorded} is false and the event exists only for the
   * answer, which is the same either way.
   */
  record Accepted(TrackingEvent event, Program program, boolean recorded) implements TrackResult {
    @Override
    public Outcome outcome() {
      return recorded ? Outcome.ACCEPTED : Outcome.UNRECORDED;
    }
  }

  /** Refused for a reason of the call's own (400/404/410). */
  record Rejected(Rejection rejection) implements TrackResult {
    @Override
    public Outcome outcome() {
      return rejection.outcome();
    }
  }

  /** Could not be decided or kept right now (503, retry later): Redis failing or the buffer full. */
  record Unavailable(Outcome outcome, String message) implements TrackResult {
  }

  /** Something broke that retrying will not fix (500), e.g. malformed core data. */
  record Failed(String message) implements TrackResult {
    @Override
    public Outcome outcome() {
      return Outcome.ERROR;
    }
  }
}
