package io.adtrack.tracker.redis;

import static io.adtrack.tracker.TrackerHarness.asMessage;
import static io.adtrack.tracker.TrackerHarness.program;
import static io.adtrack.tracker.TrackerHarness.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.adtrack.tracker.TrackerHarness;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Pub/sub keeps L1 current. Changes are PUBLISHed only (no hash written), so anything the tracker serves from
 * them cannot have come from a Redis read.
 */
class CoreDataUpdatesTest {

  @RegisterExtension
  static final TrackerHarness harness = TrackerHarness.withEnv(Map.of());

  @Test
  void aPublishedProgram_isServedWithoutARedisRead() {
    String id = uniqueId("pub");
    harness.publish(asMessage(program(id, 1, Map.of())));

    await().atMost(TrackerHarness.PATIENCE).until(() -> harness.get("/event/" + id).statusCode() == 200);
    assertThat(harness.get("/event/" + id).bodyAsJsonObject().getString("programName")).isEqualTo("name of " + id);
  }

  /**
   * Found by bench/faults while ~16,000 programs were republished: a liveness PING on a subscriber connection busy
   * with messages had its answer handed to the message handler, which threw on the event loop; the PING then timed
   * out, and the tracker resubscribed and emptied L1 every five seconds for as long as the messages kept coming.
   */
  @Test
  void aStreamOfChanges_longerThanThePingInterval_keepsTheSubscription_withoutAnError() {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(logs);
    try {
      long until = System.nanoTime() + Duration.ofSeconds(12).toNanos();
      for (int i = 0; System.nanoTime() < until; i++) {
        harness.publish(asMessage(program(uniqueId("stream-" + i), 1, Map.of())));
      }
      String last = uniqueId("after-stream");
      harness.publish(asMessage(program(last, 1, Map.of())));
      awaitProgramName(last, "name of " + last);
    } finally {
      root.detachAppender(logs);
    }

    assertThat(logs.list).filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
        .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
  }

  @Test
  void aNewerVersion_replacesTheCachedProgram() {
    String id = uniqueId("newer");
    harness.publish(asMessage(program(id, 1, Map.of())));
    awaitProgramName(id, "name of " + id);

    harness.publish(asMessage(program(id, 2, Map.of("programName", "renamed"))));

    awaitProgramName(id, "renamed");
  }

  @Test
  void aDeletion_turnsTheProgramInto404_andAnOlderUpsertDoesNotResurrectIt() {
    String id = uniqueId("deleted");
    harness.publish(asMessage(program(id, 4, Map.of())));
    awaitProgramName(id, "name of " + id);

    harness.publish(new JsonObject().put("programId", id).put("version", 5).put("deleted", true));
    await().atMost(TrackerHarness.PATIENCE).until(() -> harness.get("/event/" + id).statusCode() == 404);

    harness.publish(asMessage(program(id, 4, Map.of("programName", "zombie"))));
    String later = uniqueId("marker");
    harness.publish(asMessage(program(later, 1, Map.of())));
    // Messages on one channel arrive in order: once the later one is applied, the stale upsert was seen.
    awaitProgramName(later, "name of " + later);
    assertThat(harness.get("/event/" + id).statusCode()).isEqualTo(404);
  }

  @Test
  void aStaleVersion_isIgnored() {
    String id = uniqueId("stale");
    harness.publish(asMessage(program(id, 7, Map.of("programName", "current"))));
    awaitProgramName(id, "current");

    harness.publish(asMessage(program(id, 6, Map.of("programName", "older"))));
    harness.publish(asMessage(program(id, 7, Map.of("programName", "same version again"))));
    String later = uniqueId("marker");
    harness.publish(asMessage(program(later, 1, Map.of())));
    awaitProgramName(later, "name of " + later);

    assertThat(harness.get("/event/" + id).bodyAsJsonObject().getString("programName")).isEqualTo("current");
  }

  @Test
  void anUpsert_replacesANegativeCacheEntry() {
    String id = uniqueId("late");
    assertThat(harness.get("/event/" + id).statusCode()).isEqualTo(404);

    harness.publish(asMessage(program(id, 1, Map.of())));

    await().atMost(TrackerHarness.PATIENCE).until(() -> harness.get("/event/" + id).statusCode() == 200);
  }

  private static void awaitProgramName(String id, String name) {
    await().atMost(TrackerHarness.PATIENCE).until(() -> {
      var response = harness.get("/event/" + id);
      return response.statusCode() == 200 && name.equals(response.bodyAsJsonObject().getString("programName"));
    });
  }
}
