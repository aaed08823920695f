package io.adtrack.bench.faults;

/**
 * One tracking event the load asked for and what the tracker answered for it.
 *
 * @param fid        the call's own id, sent as the {@code fid} parameter, which the event carries in its params all
 *                   the way to DynamoDB: every event the load asked for can be found by it, whatever its route
 * @param route      how it was sent
 * @param programId  the program it was for
 * @param sentAtNanos when it was sent ({@link System#nanoTime()})
 * @param status     the HTTP status for this event (a POST /events item: its own status in the answer); 0 when no
 *                   answer came (refused, reset, timed out)
 * @param messageId  the messageId the answer named (/event and POST /events), else null
 */
record EventCall(String fid, Route route, String programId, long sentAtNanos, int status, String messageId) {

  /** The ways the load sends events. */
  enum Route {
    EVENT("/event"), PIXEL("/pixel"), CLICK("/click"), BATCH("POST /events"), COLD_EVENT("/event, cold program"),
    COLD_CLICK("/click, cold program");

    private final String label;

    Route(String label) {
      this.label = label;
    }

    String label() {
      return label;
    }
  }

  /** The tracker took the event: 200 (302 for a click). A pixel's 200 also answers calls it did not record. */
  boolean acknowledged() {
    return status == 200 || status == 302;
  }

  boolean unavailable() {
    return status == 503;
  }

  /** 5xx other than 503: the tracker failed. */
  boolean serverError() {
    return status >= 500 && status != 503;
  }

  boolean rejected() {
    return status >= 400 && status < 500;
  }

  boolean unanswered() {
    return status == 0;
  }
}
