package io.adtrack.tracker.event;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.adtrack.tracker.metrics.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/** What the digest tells, per program and outcome, and that it stays bounded whatever the calls. */
class RejectionDigestTest {

  private final RejectionDigest digest = new RejectionDigest();
  private final Logger logger = (Logger) LoggerFactory.getLogger(RejectionDigest.class);
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  @BeforeEach
  void capture() {
    lines.start();
    logger.addAppender(lines);
  }

  @AfterEach
  void release() {
    logger.detachAppender(lines);
  }

  @Test
  void oneLinePerProgramAndOutcome_withTheCountAndTheLastReason_asFields() {
    digest.record("summer-sale", Outcome.GONE, "program summer-sale is not valid now");
    digest.record("summer-sale", Outcome.GONE, "program summer-sale is not valid now");
    digest.record("summer-sale", Outcome.BAD_REQUEST, "customerId does not match the program");
    digest.record("nobody", Outcome.NOT_FOUND, "unknown program nobody");

    digest.flush();

    assertThat(lines.list).extracting(RejectionDigestTest::fields).containsExactly(
        Map.of("programId", "summer-sale", "outcome", "gone", "rejected", 2L,
            "reason", "program summer-sale is not valid now"),
        Map.of("programId", "nobody", "outcome", "not_found", "rejected", 1L, "reason", "unknown program nobody"),
        Map.of("programId", "summer-sale", "outcome", "bad_request", "rejected", 1L,
            "reason", "customerId does not match the program"))
        .as("by count, then by program: each pair once");
    assertThat(lines.list.get(0).getFormattedMessage()).isEqualTo("Rejected calls of program summer-sale since the "
        + "last digest: 2 as gone; last reason: program summer-sale is not valid now");
    assertThat(lines.list).allSatisfy(line -> assertThat(line.getLevel().toString()).isEqualTo("INFO"));
  }

  @Test
  void aFlushForgetsWhatItTold() {
    digest.record("summer-sale", Outcome.GONE, "expired");
    digest.flush();
    lines.list.clear();

    digest.flush();

    assertThat(lines.list).isEmpty();
  }

  @Test
  void manyPrograms_getAtMostMaxLinesOfTheirOwn_andOneLineForTheRest() {
    for (int program = 0; program < RejectionDigest.MAX_TRACKED + 500; program++) {
      for (int call = 0; call <= program % 3; call++) {
        digest.record("p" + program, Outcome.NOT_FOUND, "unknown program p" + program);
      }
    }
    long calls = 0;
    for (int program = 0; program < RejectionDigest.MAX_TRACKED + 500; program++) {
      calls += program % 3 + 1;
    }

    digest.flush();

    assertThat(lines.list).hasSize(RejectionDigest.MAX_LINES + 1);
    assertThat(lines.list.subList(0, RejectionDigest.MAX_LINES))
        .allSatisfy(line -> assertThat(fields(line).get("rejected")).isEqualTo(3L));
    ILoggingEvent rest = lines.list.get(RejectionDigest.MAX_LINES);
    assertThat(fields(rest)).containsOnlyKeys("rejected");
    long told = lines.list.stream().mapToLong(line -> (Long) fields(line).get("rejected")).sum();
    assertThat(told).as("every call counted, told apart or not").isEqualTo(calls);
  }

  @Test
  void callsRecordedConcurrentlyWithFlushes_areEachCountedOnce() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> recorders = new ArrayList<>();
      for (int thread = 0; thread < 4; thread++) {
        recorders.add(threads.submit(() -> {
          for (int call = 0; call < 20_000; call++) {
            digest.record("hot", Outcome.GONE, "expired");
          }
        }));
      }
      while (recorders.stream().anyMatch(recorder -> !recorder.isDone())) {
        digest.flush();
      }
      for (Future<?> recorder : recorders) {
        recorder.get();
      }
    } finally {
      threads.shutdownNow();
    }
    digest.flush();

    assertThat(lines.list.stream().mapToLong(line -> (Long) fields(line).get("rejected")).sum()).isEqualTo(80_000);
  }

  private static Map<String, Object> fields(ILoggingEvent line) {
    Map<String, Object> fields = new TreeMap<>();
    List<KeyValuePair> pairs = line.getKeyValuePairs();
    if (pairs != null) {
      pairs.forEach(pair -> fields.put(pair.key, pair.value));
    }
    return fields;
  }
}
