package io.adtrack.tracker.delivery;

import static io.adtrack.tracker.TrackerHarness.program;
import static io.adtrack.tracker.TrackerHarness.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.adtrack.proto.TrackingEvent;
import io.adtrack.tracker.TrackerHarness;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ACK_AFTER=kinesis: the answer comes once Kinesis stored the event, or as a 503 once ACK_TIMEOUT_MS passed. */
class KinesisModeTest {

  private static final Pattern FAILED = Pattern.compile("tracker_kinesis_records_failed_total ([0-9.]+)");

  @RegisterExtension
  static final TrackerHarness harness = TrackerHarness.withEnv(Map.of("ACK_AFTER", "kinesis"));

  @Test
  void noAnswerComesBeforeKinesisStoredTheEvent() throws Exception {
    harness.useSettings(Map.of("ACK_TIMEOUT_MS", "60000"));
    String id = uniqueId("stored-first");
    harness.storeProgram(program(id, 1, Map.of()));
    double failedBefore = failedRecords();
    harness.kinesisProxy().cut();

    Future<HttpResponse<Buffer>> call = harness.http().get(harness.port(), "localhost", "/event/" + id).send();
    await().atMost(TrackerHarness.PATIENCE).until(() -> failedRecords() > failedBefore);
    assertThat(call.isComplete()).as("the event reached the sender, whose PutRecords failed: no answer yet")
        .isFalse();
    harness.kinesisProxy().restore();

    HttpResponse<Buffer> response = call.await(TrackerHarness.PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    String messageId = response.bodyAsJsonObject().getString("messageId");
    assertThat(harness.eventsOf(id)).as("on the stream the moment the answer came")
        .extracting(TrackingEvent::getMessageId).containsExactly(messageId);
  }

  @Test
  void kinesisDown_is503OnceAckTimeoutPassed_andThatEventIsNeverSent() {
    harness.useSettings(Map.of("ACK_TIMEOUT_MS", "300"));
    String refused = uniqueId("timed-out");
    String later = uniqueId("after");
    harness.storeProgram(program(refused, 1, Map.of()));
    harness.storeProgram(program(later, 1, Map.of()));
    double failedBefore = failedRecords();
    harness.kinesisProxy().cut();

    HttpResponse<Buffer> response = harness.get("/event/" + refused);
    // Kinesis back only once the call that carried the event failed: one still on the wire at the timeout may be
    // stored (the documented exception), which on a loaded machine would make this test a coin toss.
    await().atMost(TrackerHarness.PATIENCE).until(() -> failedRecords() > failedBefore);
    harness.kinesisProxy().restore();

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.getHeader("Retry-After")).isEqualTo("1");
    assertThat(response.bodyAsJsonObject().getString("error"))
        .isEqualTo("Kinesis did not confirm the event in time, retry later");
    assertThat(harness.metrics())
        .contains("tracker_requests_total{outcome=\"ack_timeout\",route=\"event\"} 1.0");
    // The sender backs off after the failures: a call may time out until its pause ends.
    await().atMost(TrackerHarness.PATIENCE).until(() -> harness.get("/event/" + later).statusCode() == 200);
    harness.awaitEvents(later, 1);
    assertThat(harness.eventsOf(refused)).as("answered 503: dropped, not sent behind the client's back").isEmpty();
  }

  private static double failedRecords() {
    Matcher matcher = FAILED.matcher(harness.metrics());
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
  }
}
