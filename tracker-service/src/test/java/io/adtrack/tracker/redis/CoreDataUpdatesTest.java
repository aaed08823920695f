package io.adtrack.tracker.redis;

import static io.adtrack.tracker.TrackerHarness.asMessage;
import static io.adtrack.tracker.TrackerHarness.program;
import static io.adtrack.tracker.TrackerHarness.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.adtrack.tracker.TrackerHarness;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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
