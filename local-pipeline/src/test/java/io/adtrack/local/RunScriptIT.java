package io.adtrack.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.adtrack.testkit.FreePorts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** {@code ./run} itself, as a user starts and stops it: a process tree, ports, SIGINT. */
class RunScriptIT {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
  /** A program of the redis-updater's bundled sample-programs.json, which ./run publishes. */
  private static final String SAMPLE_PROGRAM = "212313";

  private final Path root = RepositoryRoot.locate();
  private Process script;

  @AfterEach
  void killLeftovers() {
    if (script != null && script.isAlive()) {
      script.descendants().forEach(ProcessHandle::destroyForcibly);
      script.destroyForcibly();
    }
  }

  @Test
  void shouldStartThePipeline_persistACall_andLeaveNoProcessOrPortBehind_onSigint() throws Exception {
    Map<String, Integer> ports = freePorts();
    Path log = logFile("run-script-it.log");
    long start = System.nanoTime();
    script = startRun(ports, log);

    URI tracker = URI.create("http://localhost:" + ports.get("HTTP_PORT"));
    URI management = URI.create("http://localhost:" + ports.get("MANAGEMENT_PORT"));
    await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(200))
        .until(() -> Files.readString(log).contains("Local pipeline ready"));
    Duration toReady = Duration.ofNanos(System.nanoTime() - start);
    List<ProcessHandle> started = script.descendants().toList();
    assertThat(started).hasSizeGreaterThanOrEqualTo(4);
    assertThat(E2e.get(management, "/health/ready").statusCode()).isEqualTo(200);
    assertThat(E2e.get(tracker, "/health/ready").statusCode()).as("not on the public port").isEqualTo(404);
    // The banner follows the "ready" log line.
    await("the banner gives both addresses").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(Files.readString(log)).contains("http://localhost:" + ports.get("HTTP_PORT") + "   (tracking calls",
            "http://localhost:" + ports.get("MANAGEMENT_PORT") + "   (management: /health/live, /health/ready, "
                + "/metrics)"));

    var answer = E2e.get(tracker, "/event/" + SAMPLE_PROGRAM + "?from=run-script-it");
    assertThat(answer.statusCode()).isEqualTo(200);
    String messageId = E2e.json(answer).get("messageId").asText();
    try (DynamoDbClient dynamoDb = dynamoDb(ports.get("DYNAMODB_PORT"))) {
      Map<String, AttributeValue> item = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
          .until(() -> dynamoDb.getItem(b -> b.tableName("tracking-events")
              .key(Map.of("messageId", AttributeValue.fromS(messageId)))).item(), found -> !found.isEmpty());
      assertThat(item.get("programId").s()).isEqualTo(SAMPLE_PROGRAM);
      assertThat(item.get("params").m().get("from").s()).isEqualTo("run-script-it");
    }

    long stopStart = System.nanoTime();
    signal("INT", script.pid());
    assertThat(script.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("./run exited").isTrue();
    Duration toStop = Duration.ofNanos(System.nanoTime() - stopStart);

    assertThat(script.exitValue()).isZero();
    await().atMost(STOP_TIMEOUT)
        .untilAsserted(() -> assertThat(started).noneMatch(ProcessHandle::isAlive));
    await().atMost(STOP_TIMEOUT).untilAsserted(() -> assertThat(ports.values()).noneMatch(PortCheck::isTaken));
    assertThat(Files.readString(log)).contains("Stopping the tracker (SIGTERM)", "Local pipeline stopped")
        .as("the tracker's own account of its flush, passed through").containsPattern("\\[tracker].*Flushed \\d+ "
            + "records to Kinesis stream tracking-events");
    System.out.printf("./run: ready after %d ms, stopped %d ms after SIGINT, %d processes%n", toReady.toMillis(),
        toStop.toMillis(), started.size());
  }

  @Test
  void shouldRefuseATakenPort_namingTheVariableToChange_andStartNothing() throws Exception {
    Map<String, Integer> ports = freePorts();
    try (ServerSocket squatter = new ServerSocket()) {
      squatter.bind(new InetSocketAddress(ports.get("KINESIS_PORT")));
      Path log = logFile("run-script-port-taken-it.log");

      script = startRun(ports, log);

      assertThat(script.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(script.exitValue()).isEqualTo(LocalPipeline.EXIT_CONFIG);
      assertThat(Files.readString(log)).contains("Port " + ports.get("KINESIS_PORT") + " is already in use",
          "KINESIS_PORT=");
      assertThat(script.descendants()).isEmpty();
      ports.remove("KINESIS_PORT");
      assertThat(ports.values()).noneMatch(PortCheck::isTaken);
    }
  }

  private Process startRun(Map<String, Integer> ports, Path log) throws IOException {
    // `env --default-signal=INT`: a JVM started in the background may hand SIGINT down as ignored, and a shell that
    // starts with SIGINT ignored cannot trap it; a terminal's ./run never has that problem.
    ProcessBuilder builder = new ProcessBuilder("env", "--default-signal=INT", root.resolve("run").toString())
        .directory(root.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    ports.forEach((name, port) -> builder.environment().put(name, Integer.toString(port)));
    // The Maven build running this test has just built the jars; ./run must not start a nested build.
    builder.environment().put("ADTRACK_NO_BUILD", "1");
    return builder.start();
  }

  private static Map<String, Integer> freePorts() {
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (String name : List.of("REDIS_PORT", "KINESIS_PORT", "DYNAMODB_PORT", "HTTP_PORT", "MANAGEMENT_PORT")) {
      ports.put(name, FreePorts.next());
    }
    return ports;
  }

  private Path logFile(String name) throws IOException {
    Path dir = root.resolve("local-pipeline/target");
    Files.createDirectories(dir);
    Path file = dir.resolve(name);
    Files.writeString(file, "", StandardCharsets.UTF_8);
    return file;
  }

  private static void signal(String name, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }

  private static DynamoDbClient dynamoDb(int port) {
    return DynamoDbClient.builder()
        .endpointOverride(URI.create("http://localhost:" + port))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("any", "any")))
        .httpClientBuilder(ApacheHttpClient.builder())
        .build();
  }
}
