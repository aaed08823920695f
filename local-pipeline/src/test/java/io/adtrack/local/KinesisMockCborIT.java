package io.adtrack.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.adtrack.testkit.KinesisEmulator;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The pipeline on kinesis-mock with CBOR on, the wire format of real Kinesis and the SDK's default: the tracker
 * child runs without CBOR_ENABLED, and this JVM (its own failsafe fork) has {@code aws.cborEnabled=true}, so the
 * publisher, both pollers and the handlers read and write CBOR. ./run uses kinesalite with JSON; this keeps the
 * other format proven.
 */
class KinesisMockCborIT {

  @TempDir
  static Path tempDir;

  private static LocalPipeline pipeline;

  @BeforeAll
  static void startPipeline() {
    assertThat(System.getProperty("aws.cborEnabled"))
        .as("this test must run in the failsafe execution with CBOR on").isEqualTo("true");
    pipeline = LocalPipeline.start(LocalPipelineConfig.onFreePorts()
        .withEmulator(KinesisEmulator.Kind.KINESIS_MOCK, true));
  }

  @AfterAll
  static void stopPipeline() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void shouldCarryProgramsAndEventsThroughKinesisMock_inCbor() {
    URI tracker = pipeline.trackerUri();
    String programId = E2e.newProgramId("cbor");
    E2e.publish(pipeline, tempDir, E2e.program(programId, "Over CBOR", 9001, 1));
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> E2e.get(tracker, "/event/" + programId).statusCode() == 200);
    List<String> messageIds = new ArrayList<>();

    for (int i = 0; i < 3; i++) {
      messageIds.add(E2e.json(E2e.get(tracker, "/event/" + programId + "?n=" + i)).get("messageId").asText());
    }

    List<Map<String, AttributeValue>> items = await().atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> E2e.persistedEvents(pipeline.dynamoDb(), pipeline.config().eventTable(), programId),
            found -> found.size() >= 4);
    assertThat(items).extracting(item -> item.get("messageId").s()).containsAll(messageIds).hasSize(4);
    assertThat(items).allSatisfy(item -> assertThat(item.get("programName").s()).isEqualTo("Over CBOR"));
    assertThat(pipeline.updaterPoller().stats().recordsCompleted()).isPositive();
  }
}
