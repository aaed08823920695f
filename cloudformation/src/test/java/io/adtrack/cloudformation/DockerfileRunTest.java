package io.adtrack.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the exact command line of the runtime stage (ENTRYPOINT + CMD) against the jar `mvn package` built, the way
 * the container would: only the jar's path inside the image is replaced by the built one. No Docker engine here.
 */
class DockerfileRunTest {

  /** Where the Dockerfile puts the tracker jar in the image. */
  static final String IMAGE_JAR = "/app/tracker-service.jar";

  private TrackerProcess tracker;

  @AfterEach
  void stopTracker() {
    if (tracker != null) {
      tracker.close();
    }
  }

  @Test
  void entrypointServesTrackingAndManagementOnTheirOwnPorts_andExitsCleanlyOnSigterm() throws Exception {
    Dockerfile dockerfile = Dockerfile.parse(Repository.DOCKERFILE);
    String kinesis = "http://127.0.0.1:" + TrackerProcess.freePort();
    // Redis and Kinesis point at closed ports: liveness must not depend on them (readiness does).
    tracker = TrackerProcess.start(commandLine(dockerfile.runtime()), Map.of("AWS_ENDPOINT_URL_KINESIS", kinesis),
        Path.of("target", "tracker-entrypoint.log"));

    assertThat(healthcheck(tracker.managementPort())).as("the image's HEALTHCHECK command").isZero();
    assertThat(tracker.output()).as("the AWS SDK took the endpoint from AWS_ENDPOINT_URL_KINESIS")
        .contains("Kinesis stream tracking-events in us-east-1 via " + kinesis);
    for (String path : List.of("/metrics", "/health/ready", "/health/live")) {
      HttpResponse<String> onPublic = tracker.get(tracker.httpPort(), path);
      assertThat(onPublic.statusCode()).as("public port, " + path).isEqualTo(404);
      assertThat(onPublic.body()).as("public port, " + path)
          .isEqualTo("{\"error\":\"no such route: " + path + "\",\"status\":404}");
    }
    assertThat(tracker.get(tracker.managementPort(), "/metrics").body()).contains("tracker_buffer_records");
    HttpResponse<String> ready = tracker.get(tracker.managementPort(), "/health/ready");
    assertThat(ready.statusCode()).as("Redis and Kinesis are not there").isEqualTo(503);
    assertThat(ready.body()).contains("redisConnected");
    assertThat(tracker.get(tracker.managementPort(), "/event/212313").statusCode())
        .as("no tracking on the management port").isEqualTo(404);
    assertThat(tracker.get(tracker.httpPort(), "/event/212313").statusCode())
        .as("tracking on the public port: a 503, since Redis is not there").isEqualTo(503);

    int exitCode = tracker.stop();

    assertThat(exitCode).as("exited within %s; %s", TrackerProcess.EXIT_DEADLINE, tracker.tail()).isNotEqualTo(-1);
    // The JVM reports a SIGTERM exit as 128 + 15 after running its shutdown hooks; the log says the hook finished.
    assertThat(exitCode).as("exit status; %s", tracker.tail()).isIn(0, 143);
    assertThat(tracker.output()).as("the shutdown hook flushed and stopped; %s", tracker.tail())
        .contains("Tracker stopped");
    assertThat(healthcheck(tracker.managementPort())).as("HEALTHCHECK once the tracker is gone").isNotZero();
  }

  /**
   * ENTRYPOINT followed by CMD, both exec form, with the image's jar path replaced by the built jar and `java` by
   * the JVM running this test (in the image, `java` is the JRE's on PATH).
   */
  private static List<String> commandLine(Dockerfile.Stage runtime) {
    List<String> command = new ArrayList<>(Dockerfile.execForm(runtime.last("ENTRYPOINT").orElseThrow().arguments()));
    runtime.last("CMD").ifPresent(cmd -> command.addAll(Dockerfile.execForm(cmd.arguments())));
    assertThat(command).contains(IMAGE_JAR).first().isEqualTo("java");
    command.replaceAll(argument -> argument.equals(IMAGE_JAR) ? Repository.TRACKER_JAR.toString() : argument);
    command.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
    return command;
  }

  /** Runs the Dockerfile's HEALTHCHECK command as Docker would inside the container. */
  private static int healthcheck(int managementPort) throws Exception {
    Dockerfile dockerfile = Dockerfile.parse(Repository.DOCKERFILE);
    return Repository.run(DockerfileTest.healthcheckCommand(dockerfile),
        Map.of("MANAGEMENT_PORT", String.valueOf(managementPort))).exitCode();
  }
}
