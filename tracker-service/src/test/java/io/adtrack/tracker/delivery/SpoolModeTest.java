package io.adtrack.tracker.delivery;

import static io.adtrack.tracker.TrackerHarness.program;
import static io.adtrack.tracker.TrackerHarness.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import io.adtrack.proto.EventType;
import io.adtrack.proto.TrackingEvent;
import io.adtrack.tracker.TrackerHarness;
import io.adtrack.tracker.spool.AppendResult;
import io.adtrack.tracker.spool.Spool;
import io.adtrack.tracker.spool.SpoolOptions;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** ACK_AFTER=spool (the default) in-process: what a stop leaves in the spool, and a damaged spool at start-up. */
class SpoolModeTest {

  @RegisterExtension
  static final TrackerHarness harness = TrackerHarness.withEnv(Map.of());

  @TempDir
  Path spools;

  @Test
  void whatTheShutdownDeadlineLeftInTheSpool_isSentAtTheNextStart() {
    harness.useSettings(Map.of("SHUTDOWN_TIMEOUT_SECONDS", "1"));
    String id = uniqueId("left");
    harness.storeProgram(program(id, 1, Map.of()));
    harness.kinesisProxy().cut();
    Set<String> acknowledged = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      var response = harness.get("/event/" + id);
      assertThat(response.statusCode()).as("spooled, Kinesis or not").isEqualTo(200);
      acknowledged.add(response.bodyAsJsonObject().getString("messageId"));
    }

    harness.stopTracker();
    harness.kinesisProxy().restore();
    assertThat(harness.eventsOf(id)).as("the deadline passed with Kinesis cut off").isEmpty();
    harness.startTracker();

    assertThat(messageIds(harness.awaitEvents(id, 20))).isEqualTo(acknowledged);
    assertThat(harness.metrics()).contains("tracker_spool_replayed_total 20.0");
  }

  @Test
  void aSpoolWithATornLastRecord_replaysEveryIntactRecord_andCountsTheTornOne() throws Exception {
    Path dir = Files.createDirectory(spools.resolve("torn"));
    List<String> written = spoolEvents(dir, "torn", 10);
    Path segment = onlySegment(dir);
    long frame = Files.size(segment) / 10;
    try (FileChannel file = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      file.truncate(Files.size(segment) - frame / 2);
    }

    harness.useSettings(Map.of("SPOOL_DIR", dir.toString()));

    assertThat(messageIds(harness.awaitEvents(written.get(0).split("/")[0], 9)))
        .containsExactlyInAnyOrderElementsOf(ids(written.subList(0, 9)));
    assertThat(harness.metrics())
        .contains("tracker_spool_replayed_total 9.0", "tracker_spool_skipped_total 1.0");
  }

  @Test
  void aSpoolWithAFlippedByteMidFile_replaysTheRecordsAroundIt_andCountsTheDamagedOne() throws Exception {
    Path dir = Files.createDirectory(spools.resolve("flipped"));
    List<String> written = spoolEvents(dir, "flipped", 10);
    Path segment = onlySegment(dir);
    long frame = Files.size(segment) / 10;
    try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
      long inTheFifthRecord = 4 * frame + frame / 2;
      file.seek(inTheFifthRecord);
      int b = file.read();
      file.seek(inTheFifthRecord);
      file.write(b ^ 0x40);
    }

    harness.useSettings(Map.of("SPOOL_DIR", dir.toString()));

    List<String> intact = new ArrayList<>(written);
    intact.remove(4);
    assertThat(messageIds(harness.awaitEvents(written.get(0).split("/")[0], 9)))
        .containsExactlyInAnyOrderElementsOf(ids(intact));
    assertThat(harness.metrics())
        .contains("tracker_spool_replayed_total 9.0", "tracker_spool_skipped_total 1.0");
  }

  /** Appends {@code count} events of one new program, as a tracker would; returns "programId/messageId" each. */
  private static List<String> spoolEvents(Path dir, String prefix, int count) throws Exception {
    String programId = uniqueId(prefix);
    List<String> written = new ArrayList<>();
    Spool spool = Spool.open(SpoolOptions.of(dir, 1L << 20, Duration.ZERO));
    try {
      for (int i = 0; i < count; i++) {
        String messageId = UUID.randomUUID().toString();
        TrackingEvent event = TrackingEvent.newBuilder().setMessageId(messageId).setType(EventType.EVENT)
            .setProgramId(programId).setReceivedAt(1_767_225_600_000L).build();
        assertThat(spool.append(messageId, event.toByteArray()).await(10, TimeUnit.SECONDS))
            .isEqualTo(AppendResult.APPENDED);
        written.add(programId + "/" + messageId);
      }
    } finally {
      spool.close().await(10, TimeUnit.SECONDS);
    }
    return written;
  }

  private static Path onlySegment(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(file -> file.toString().endsWith(".seg")).reduce((a, b) -> {
        throw new AssertionError("more than one segment: " + a + ", " + b);
      }).orElseThrow();
    }
  }

  private static List<String> ids(List<String> written) {
    return written.stream().map(entry -> entry.split("/")[1]).toList();
  }

  private static Set<String> messageIds(List<TrackingEvent> events) {
    Set<String> ids = new HashSet<>();
    events.forEach(event -> ids.add(event.getMessageId()));
    return ids;
  }
}
