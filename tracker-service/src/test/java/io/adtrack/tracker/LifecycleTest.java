package io.adtrack.tracker;

import static io.adtrack.tracker.TrackerHarness.program;
import static io.adtrack.tracker.TrackerHarness.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.adtrack.proto.TrackingEvent;
import io.adtrack.testkit.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Start-up and shutdown: what fails a deployment, what does not, and that stopping loses nothing. */
class LifecycleTest {

  // A linger far beyond the test: only the shutdown flush can get these events to the stream.
  @RegisterExtension
  static final TrackerHarness harness =
      TrackerHarness.withEnv(Map.of("KINESIS_LINGER_MS", "10000", "SHUTDOWN_TIMEOUT_SECONDS", "20"));

  @Test
  void eventsAcceptedJustBeforeShutdown_reachTheStream() {
    String id = uniqueId("shutdown");
    harness.storeProgram(program(id, 1, Map.of()));
    Set<String> acknowledged = new HashSet<>();
    for (int i = 0; i < 25; i++) {
      var response = harness.get("/event/" + id);
      assertThat(response.statusCode()).isEqualTo(200);
      acknowledged.add(response.bodyAsJsonObject().getString("messageId"));
    }
    assertThat(harness.eventsOf(id)).as("still lingering before shutdown").isEmpty();

    int port = harness.port();
    int managementPort = harness.managementPort();
    harness.stopTracker();

    Set<String> arrived = new HashSet<>();
    harness.eventsOf(id).stream().map(TrackingEvent::getMessageId).forEach(arrived::add);
    assertThat(arrived).isEqualTo(acknowledged);
    WebClient client = WebClient.create(harness.vertx());
    assertThatThrownBy(() -> client.get(port, "localhost", "/event/" + id).send().await(10, TimeUnit.SECONDS))
        .as("the public port closed").isNotNull();
    assertThatThrownBy(() -> client.get(managementPort, "localhost", "/health/live").send()
        .await(10, TimeUnit.SECONDS)).as("the management port closed").isNotNull();
    harness.startTracker();
  }

  @Test
  void redisAndKinesisDownAtStart_doNotFailTheDeployment_andReadinessNamesThem() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      int deadPort = FreePorts.next();
      TrackerVerticle tracker = TrackerHarness.tracker(Map.of(
          "HTTP_PORT", "0",
          "MANAGEMENT_PORT", "0",
          "HTTP_INSTANCES", "2",
          "REDIS_URL", "redis://localhost:" + deadPort,
          "EVENT_STREAM", "nowhere"), deadPort);
      vertx.deployVerticle(tracker).await(30, TimeUnit.SECONDS);
      WebClient client = WebClient.create(vertx);
      int port = tracker.httpPort();
      int managementPort = tracker.managementPort();
      assertThat(port).as("the port the OS chose, read from the server").isPositive();
      assertThat(managementPort).as("the management port the OS chose").isPositive().isNotEqualTo(port);
      await().atMost(TrackerHarness.PATIENCE).untilAsserted(() -> {
        var ready = client.get(managementPort, "localhost", "/health/ready").send().await(10, TimeUnit.SECONDS);
        assertThat(ready.statusCode()).isEqualTo(503);
        JsonObject report = ready.bodyAsJsonObject();
        assertThat(report.getJsonArray("failing").getList())
            .contains("redisConnected", "redisSubscribed", "kinesisReachable");
      });
      var live = client.get(managementPort, "localhost", "/health/live").send().await(10, TimeUnit.SECONDS);
      assertThat(live.statusCode()).isEqualTo(200);
      var event = client.get(port, "localhost", "/event/" + uniqueId("x")).send().await(10, TimeUnit.SECONDS);
      assertThat(event.statusCode()).isEqualTo(503);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP_PORT", "MANAGEMENT_PORT"})
  void aTakenPort_failsTheDeployment(String portVariable) throws IOException {
    Vertx vertx = Vertx.vertx();
    try (ServerSocket taken = new ServerSocket(0)) {
      Map<String, String> env = new HashMap<>(Map.of(
          "HTTP_PORT", "0",
          "MANAGEMENT_PORT", "0",
          "REDIS_URL", "redis://localhost:" + FreePorts.next()));
      env.put(portVariable, Integer.toString(taken.getLocalPort()));
      TrackerVerticle tracker = TrackerHarness.tracker(env, FreePorts.next());

      assertThatThrownBy(() -> vertx.deployVerticle(tracker).await(30, TimeUnit.SECONDS))
          .hasMessageContaining("Address already in use");
      assertThat(vertx.deploymentIDs()).as("what did start is undeployed again").isEmpty();
    } finally {
      vertx.close().await();
    }
  }
}
