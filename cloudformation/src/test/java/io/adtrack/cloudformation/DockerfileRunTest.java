package io.adtrack.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the exact command line of the runtime stage (ENTRYPOINT + CMD) against the jar `mvn package` built, the way
 * the container would: only the jar's path inside the image is replaced by the built one. No Docker engine here.
 */
class DockerfileRunTest {

  /** Where the Dockerfile puts the tracker jar in the image. */
  static final String IMAGE_JAR = "/app/tracker-service.jar";

  /** TrackerConfig's default SHUTDOWN_TIMEOUT_SECONDS, plus time for the JVM to start and stop. */
  private static final Duration EXIT_DEADLINE = Duration.ofSeconds(25 + 10);

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Process tracker;

  @AfterEach
  void stopTracker() {
    if (tracker != null && tracker.isAlive()) {
      tracker.destroyForcibly();
    }
  }

  @Test
  void entrypointServesLivenessAndExitsCleanlyOnSigterm() throws Exception {
    assertThat(Repository.TRACKER_JAR).as("build it first: mvn -pl tracker-service -am package -DskipTests")
        .exists();
    Dockerfile dockerfile = Dockerfile.parse(Repository.DOCKERFILE);
    List<String> command = commandLine(dockerfile.runtime());
    int port = freePort();
    Path log = Files.createDirectories(Path.of("target")).resolve("tracker-entrypoint.log");

    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    // Redis and Kinesis point at closed ports: liveness must not depend on them (readiness does).
    String kinesis = "http://127.0.0.1:" + freePort();
    builder.environment().putAll(Map.of(
        "HTTP_PORT", String.valueOf(port),
        "REDIS_URL", "redis://127.0.0.1:" + freePort(),
        "AWS_ENDPOINT_URL_KINESIS", kinesis,
        "AWS_REGION", "us-east-1",
        "AWS_ACCESS_KEY_ID", "local",
        "AWS_SECRET_ACCESS_KEY", "local",
        "CBOR_ENABLED", "false"));
    tracker = builder.start();

    await("GET /health/live answers 200").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .failFast("the tracker exited; see " + log, () -> !tracker.isAlive())
        .until(() -> liveStatus(port) == 200);
    assertThat(healthcheck(port)).as("the image's HEALTHCHECK command").isZero();
    assertThat(Files.readString(log)).as("the AWS SDK took the endpoint from AWS_ENDPOINT_URL_KINESIS")
        .contains("Kinesis stream tracking-events in us-east-1 via " + kinesis);

    tracker.destroy(); // SIGTERM, as ECS and `docker stop` send it
    boolean exited = tracker.waitFor(EXIT_DEADLINE.toSeconds(), TimeUnit.SECONDS);

    assertThat(exited).as("exited within %s; %s", EXIT_DEADLINE, tail(log)).isTrue();
    // The JVM reports a SIGTERM exit as 128 + 15 after running its shutdown hooks; the log says the hook finished.
    assertThat(tracker.exitValue()).as("exit status; %s", tail(log)).isIn(0, 143);
    assertThat(Files.readString(log)).as("the shutdown hook flushed and stopped; %s", tail(log))
        .contains("Tracker stopped");
    assertThat(healthcheck(port)).as("HEALTHCHECK once the tracker is gone").isNotZero();
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

  private static int liveStatus(int port) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/live"))
          .timeout(Duration.ofSeconds(2)).build();
      return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Runs the Dockerfile's HEALTHCHECK command as Docker would inside the container. */
  private static int healthcheck(int port) throws Exception {
    Dockerfile dockerfile = Dockerfile.parse(Repository.DOCKERFILE);
    return Repository.run(DockerfileTest.healthcheckCommand(dockerfile), Map.of("HTTP_PORT", String.valueOf(port)))
        .exitCode();
  }

  /** The end of the tracker's output, for failure messages (the whole file stays in target/). */
  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return "last lines of " + log + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 15),
        lines.size()));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
