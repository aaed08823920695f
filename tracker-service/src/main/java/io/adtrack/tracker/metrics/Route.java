package io.adtrack.tracker.metrics;

/** The tracking routes, as the {@code route} tag of {@code tracker_requests_total}. */
public enum Route {
  EVENT("event"), PIXEL("pixel"), CLICK("click"), EVENTS("events");

  private final String tag;

  Route(String tag) {
    this.tag = tag;
  }

  public String tag() {
    return tag;
  }
}
