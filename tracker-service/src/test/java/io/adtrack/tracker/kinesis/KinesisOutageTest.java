package io.adtrack.tracker.kinesis;

import static io.adtrack.tracker.TrackerHarness.program;
import static io.adtrack.tracker.TrackerHarness.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.adtrack.proto.TrackingEvent;
import io.adtrack.tracker.TrackerHarness;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Kinesis cut off while calls come in, with a producer buffer of 40 records, then back. */
class KinesisOutageTest {

  private static final int BUFFER_RECORDS = 40;
  @RegisterExtension
  static final TrackerHarness harness =
      TrackerHarness.withEnv(Map.of("KINESIS_BUFFER_MAX_RECORDS", Integer.toString(BUFFER_RECORDS)));

  @Test
  void callsAre200UntilTheBufferIsFull_then503WithRetryAfter_andEveryAcknowledgedEventArrivesAfterwards() {
    String id = uniqueId("outage");
    harness.storeProgram(program(id, 1, Map.of()));
    assertThat(harness.get("/event/" + id).statusCode()).isEqualTo(200);
    harness.awaitEvents(id, 1);

    harness.kinesisProxy().cut();
    Set<String> acknowledged = new HashSet<>();
    int ok = 0;
    HttpResponse<Buffer> refused = null;
    for (int i = 0; i < BUFFER_RECORDS * 3 && refused == null; i++) {
      HttpResponse<Buffer> response = harness.get("/event/" + id);
      if (response.statusCode() == 200) {
        ok++;
        acknowledged.add(response.bodyAsJsonObject().getString("messageId"));
      } else {
        refused = response;
      }
    }
    assertThat(ok).isEqualTo(BUFFER_RECORDS);
    assertThat(refused).isNotNull();
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.getHeader("Retry-After")).isNotBlank();
    assertThat(refused.bodyAsJsonObject().getString("error")).contains("buffer full");
    assertThat(harness.get("/pixel/" + id).statusCode()).isEqualTo(503);
    assertThat(harness.management("/health/ready").bodyAsJsonObject().getJsonArray("failing").getList())
        .contains("producerNotSaturated");
    await("the age of the oldest unstored event shows").atMost(TrackerHarness.PATIENCE)
        .until(() -> oldestUnstoredAgeSeconds() > 0);

    harness.kinesisProxy().restore();

    List<TrackingEvent> arrived = harness.awaitEvents(id, 1 + BUFFER_RECORDS);
    Set<String> arrivedIds = new HashSet<>();
    arrived.forEach(event -> arrivedIds.add(event.getMessageId()));
    // None missing, none invented, none twice (nothing was in flight when the line was cut).
    assertThat(arrivedIds).containsAll(acknowledged);
    assertThat(arrived).hasSize(1 + BUFFER_RECORDS);
    assertThat(arrivedIds).hasSize(1 + BUFFER_RECORDS);
    harness.awaitReady();
    await().atMost(TrackerHarness.PATIENCE).until(() -> harness.get("/event/" + id).statusCode() == 200);
    String metrics = harness.metrics();
    assertThat(metrics).containsPattern("tracker_kinesis_records_retried_total [1-9]");
    assertThat(metrics).contains("tracker_requests_total{outcome=\"buffer_full\",route=\"event\"} 1.0");
    await("nothing unstored: age 0").atMost(TrackerHarness.PATIENCE).until(() -> oldestUnstoredAgeSeconds() == 0);
  }

  private static double oldestUnstoredAgeSeconds() {
    Matcher gauge = Pattern.compile("(?m)^tracker_buffer_oldest_age_seconds (\\S+)$").matcher(harness.metrics());
    assertThat(gauge.find()).as("the gauge is exported").isTrue();
    return Double.parseDouble(gauge.group(1));
  }
}
