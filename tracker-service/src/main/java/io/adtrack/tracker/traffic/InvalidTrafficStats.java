package io.adtrack.tracker.traffic;

import io.adtrack.proto.InvalidTraffic;
import io.adtrack.tracker.metrics.Route;

/** Receives what classification found (the metrics registry in production). */
public interface InvalidTrafficStats {

  /** One call of {@code route} classified {@code reason}, flagged or dropped as {@code mode} says. */
  void invalidTraffic(Route route, InvalidTraffic reason, InvalidTrafficMode mode);

  /** A duplicate-click check could not ask Redis (down, slow): the click was taken as a first one. */
  void clickCheckFailed();

  /** Counts nothing, for tests that do not look. */
  InvalidTrafficStats NONE = new InvalidTrafficStats() {
    @Override
    public void invalidTraffic(Route route, InvalidTraffic reason, InvalidTrafficMode mode) {
      // nothing to count
    }

    @Override
    public void clickCheckFailed() {
      // nothing to count
    }
  };
}
