package io.adtrack.bench.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one scenario came to, counted per event (a {@code POST /events} of three is three), and whether it met the
 * expectations of issue 16.
 *
 * @param scenario            which one
 * @param events              events the load asked for
 * @param acknowledged        answered 200 (302 for a click)
 * @param unavailable         answered 503
 * @param rejectedByStatus    answered 4xx, by status (a 404 while Redis is empty, say)
 * @param serverErrors        answered another 5xx
 * @param unanswered          no answer: refused, reset or timed out (a tracker that is down)
 * @param skipped             calls the load did not send because too many were in flight
 * @param streamRecords       records of the scenario's programs on the event stream
 * @param streamDistinct      distinct messageIds among them
 * @param tableItems          items of the scenario's programs in DynamoDB (distinct by key, messageId)
 * @param callsStoredTwice    load calls (fids) stored as more than one item
 * @param missing             acknowledged events not in DynamoDB
 * @param pixelsOfUnknown     pixels answered 200 (as a pixel always is) while the program was unknown to the
 *                            tracker, not recorded by design, so not counted as missing
 * @param storedUnacknowledged events stored although their call got no acknowledgement (at least once: fine)
 * @param timeToFullService   from the end of the fault to the first call after which every call was acknowledged;
 *                            empty when that never happened while the load ran
 * @param timeToAllStored     from the end of the fault until every acknowledged event was in DynamoDB; empty when
 *                            some never arrived
 * @param trackerCrashes      tracker exits nobody asked for
 * @param handlerErrors       invocations in which a Lambda handler threw (a function error)
 * @param recordsSkipped      records the event-source pollers gave up on
 * @param redeliveries        batches the pollers delivered again after batch item failures or a handler error
 * @param checks              scenario-specific checks and whether each held
 * @param lossExpected        acknowledged events may be lost here (SIGKILL while the tracker acknowledges from
 *                            memory): reported, not failed
 */
record ScenarioResult(Scenario scenario, long events, long acknowledged, long unavailable,
    Map<Integer, Long> rejectedByStatus, long serverErrors, long unanswered, long skipped, long streamRecords,
    long streamDistinct, long tableItems, long callsStoredTwice, long missing, long pixelsOfUnknown,
    long storedUnacknowledged, Optional<Duration> timeToFullService, Optional<Duration> timeToAllStored,
    int trackerCrashes, long handlerErrors, long recordsSkipped, long redeliveries, Map<String, Boolean> checks,
    boolean lossExpected) {

  long rejected() {
    return rejectedByStatus.values().stream().mapToLong(Long::longValue).sum();
  }

  long streamDuplicates() {
    return streamRecords - streamDistinct;
  }

  long crashes() {
    return trackerCrashes + handlerErrors;
  }

  /** Why the scenario failed its expectations; empty when it met them. */
  List<String> failures() {
    List<String> failures = new ArrayList<>();
    if (missing > 0 && !lossExpected) {
      failures.add(missing + " acknowledged events missing");
    }
    if (serverErrors > 0) {
      failures.add(serverErrors + " answers 5xx other than 503");
    }
    if (crashes() > 0) {
      failures.add(trackerCrashes + " tracker crashes, " + handlerErrors + " handler errors");
    }
    if (recordsSkipped > 0) {
      failures.add(recordsSkipped + " records skipped by a poller");
    }
    checks.forEach((check, held) -> {
      if (!held) {
        failures.add("failed: " + check);
      }
    });
    return failures;
  }

  boolean passed() {
    return failures().isEmpty();
  }

  String verdict() {
    if (!passed()) {
      return "**FAILED**";
    }
    return missing > 0 ? "loss reported (memory mode)" : "passed";
  }
}
