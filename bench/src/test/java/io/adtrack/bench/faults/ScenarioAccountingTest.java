package io.adtrack.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.adtrack.bench.faults.EventCall.Route;
import io.adtrack.bench.faults.EventTableReader.StoredEvent;
import io.adtrack.bench.faults.ScenarioRun.UnknownWindow;
import io.adtrack.bench.faults.StreamTail.StreamRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How bench/faults counts a scenario from the calls' answers and what the stream and the table hold. */
class ScenarioAccountingTest {

  private static final long SECOND = Duration.ofSeconds(1).toNanos();
  private static final String HOT = "hot";

  @Test
  void anAcknowledgedEventNotStored_isMissing_andOneStoredWithAnotherMessageId_isToo() {
    List<EventCall> calls = List.of(
        call("f1", Route.EVENT, 1, 200, "m1"),
        call("f2", Route.EVENT, 2, 200, "m2"),
        call("f3", Route.BATCH, 3, 200, "m3"),
        call("f4", Route.CLICK, 4, 302, null));
    List<StoredEvent> stored = List.of(new StoredEvent("m1", "f1"), new StoredEvent("other", "f3"),
        new StoredEvent("m4", "f4"));

    ScenarioResult result = account(Scenario.KINESIS_STOPPED, false, calls, stored);

    assertThat(result.acknowledged()).isEqualTo(4);
    assertThat(result.missing()).as("f2 never stored, f3 stored under another messageId").isEqualTo(2);
    assertThat(result.passed()).isFalse();
    assertThat(result.failures()).containsExactly("2 acknowledged events missing");
  }

  @Test
  void answersAreCountedByKind_andAStoredEventNobodyAcknowledgedIsListedApart() {
    List<EventCall> calls = List.of(
        call("f1", Route.EVENT, 1, 503, null),
        call("f2", Route.COLD_EVENT, 2, 404, null),
        call("f3", Route.EVENT, 3, 500, null),
        call("f4", Route.PIXEL, 4, 0, null),
        call("f5", Route.PIXEL, 5, 200, null));
    List<StoredEvent> stored = List.of(new StoredEvent("m4", "f4"), new StoredEvent("m5", "f5"),
        new StoredEvent("m5b", "f5"));

    ScenarioResult result = account(Scenario.REDIS_STOPPED, false, calls, stored);

    assertThat(result.unavailable()).isOne();
    assertThat(result.rejectedByStatus()).containsExactly(Map.entry(404, 1L));
    assertThat(result.serverErrors()).isOne();
    assertThat(result.unanswered()).isOne();
    assertThat(result.storedUnacknowledged()).as("f4: no answer, yet stored").isOne();
    assertThat(result.callsStoredTwice()).as("f5").isOne();
    assertThat(result.missing()).isZero();
    assertThat(result.failures()).containsExactly("1 answers 5xx other than 503");
  }

  @Test
  void aPixelAnsweredWhileItsProgramWasUnknown_isExcused_butNotOneAnsweredBeforeOrAfter() {
    List<EventCall> calls = List.of(
        call("p0", Route.PIXEL, 1, 200, null),
        call("e1", Route.EVENT, 10, 404, null),
        call("p1", Route.PIXEL, 15, 200, null),
        call("e2", Route.CLICK, 20, 404, null),
        call("p2", Route.PIXEL, 30, 200, null));

    ScenarioResult result = account(Scenario.REDIS_EMPTY, false, calls, List.of());

    assertThat(result.pixelsOfUnknown()).as("p1, within a second of the 404s").isOne();
    assertThat(result.missing()).as("p0 and p2, long before and after").isEqualTo(2);
  }

  @Test
  void theSigkillLossInMemoryMode_isReported_notFailed_andInAnyOtherModeFails() {
    List<EventCall> calls = List.of(call("f1", Route.EVENT, 1, 200, "m1"));

    ScenarioResult memory = account(Scenario.TRACKER_SIGKILL, true, calls, List.of());
    ScenarioResult spool = account(Scenario.TRACKER_SIGKILL, false, calls, List.of());
    ScenarioResult sigterm = account(Scenario.TRACKER_SIGTERM, true, calls, List.of());

    assertThat(memory.passed()).isTrue();
    assertThat(memory.verdict()).isEqualTo("loss reported (memory mode)");
    assertThat(spool.passed()).isFalse();
    assertThat(sigterm.passed()).isFalse();
  }

  @Test
  void fullService_isCountedFromTheFaultsEnd_toTheFirstAcknowledgedCallAfterTheLastFailure() {
    long faultEnd = 10 * SECOND;
    List<EventCall> recovering = List.of(
        call("a", Route.EVENT, 9, 503, null),
        call("b", Route.EVENT, 12, 0, null),
        call("c", Route.EVENT, 13, 200, "m"),
        call("d", Route.EVENT, 14, 503, null),
        call("e", Route.EVENT, 16, 200, "m"),
        call("f", Route.EVENT, 17, 200, "m"));

    assertThat(ScenarioRun.fullService(recovering, faultEnd)).contains(Duration.ofSeconds(6));
    assertThat(ScenarioRun.fullService(recovering.subList(0, 1), faultEnd)).contains(Duration.ZERO);
    assertThat(ScenarioRun.fullService(recovering.subList(0, 4), faultEnd)).isEmpty();
  }

  private static ScenarioResult account(Scenario scenario, boolean memoryMode, List<EventCall> calls,
      List<StoredEvent> stored) {
    ScenarioRun run = new ScenarioRun(FaultOptions.quick(Path.of(".")), null, null, null, null, memoryMode);
    List<StreamRecord> records = stored.stream().map(event -> new StreamRecord(HOT, event.messageId(), event.fid()))
        .toList();
    return run.account(scenario, calls, UnknownWindow.of(calls, HOT), records, stored, Optional.empty(),
        Optional.empty(), 0, 0, 0, 0, 0, Map.of());
  }

  private static EventCall call(String fid, Route route, long second, int status, String messageId) {
    return new EventCall(fid, route, HOT, second * SECOND, status, messageId);
  }
}
