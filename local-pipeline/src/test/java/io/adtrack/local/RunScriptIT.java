package io.adtrack.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.adtrack.testkit.DebianPackage;
import io.adtrack.testkit.FreePorts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code ./run} itself, as a user starts and stops it: a process tree, ports; Ctrl-C (SIGINT), {@code kill -9} and a
 * closed terminal each stop everything it started.
 */
class RunScriptIT {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
  /** A program of the redis-updater's bundled sample-programs.json, which ./run publishes. */
  private static final String SAMPLE_PROGRAM = "212313";

  private final Path root = RepositoryRoot.locate();
  private Process script;
  /** What a test saw started, killed after it should the test fail before everything stopped by itself. */
  private final List<ProcessHandle> started = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    if (script != null && script.isAlive()) {
      script.descendants().forEach(ProcessHandle::destroyForcibly);
      script.destroyForcibly();
    }
    started.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  @Test
  void shouldStartThePipeline_persistACall_andLeaveNoProcessOrPortBehind_onSigint() throws Exception {
    Map<String, Integer> ports = freePorts();
    Path log = logFile("run-script-it.log");
    long start = System.nanoTime();
    script = startRun(ports, log);

    URI tracker = URI.create("http://localhost:" + ports.get("HTTP_PORT"));
    awaitReady(log);
    URI management = URI.create("http://localhost:" + ports.get("MANAGEMENT_PORT"));
    Duration toReady = Duration.ofNanos(System.nanoTime() - start);
    started.addAll(script.descendants().toList());
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
    awaitEverythingStopped(started, ports, log);
    System.out.printf("./run: ready after %d ms, stopped %d ms after SIGINT, %d processes%n", toReady.toMillis(),
        toStop.toMillis(), started.size());
  }

  @Test
  void shouldStopEverythingItStarted_inOrder_whenRunIsKilledWithSigkill() throws Exception {
    Map<String, Integer> ports = freePorts();
    Path log = logFile("run-script-sigkill-it.log");
    script = startRun(ports, log);
    awaitReady(log);
    started.addAll(script.descendants().toList());
    assertThat(started).hasSizeGreaterThanOrEqualTo(4);

    signal("KILL", script.pid());

    assertThat(script.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("./run killed").isTrue();
    awaitEverythingStopped(started, ports, log);
    assertThat(Files.readString(log)).contains("(pid " + script.pid() + ") is gone: stopping everything");
  }

  /**
   * A person closes the terminal ./run runs in: tmux gives it a real one (a session on a tmux server of the test's
   * own), and killing the session hangs that terminal up as closing a window would.
   */
  @Test
  void shouldStopEverythingItStarted_inOrder_whenItsTerminalCloses() throws Exception {
    Map<String, Integer> ports = freePorts();
    Path log = logFile("run-script-terminal-it.log");
    Tmux tmux = new Tmux(DebianPackage.TMUX.executable(), "adtrack-run-it-" + ProcessHandle.current().pid());
    try {
      StringBuilder command = new StringBuilder("exec env ADTRACK_NO_BUILD=1");
      ports.forEach((name, port) -> command.append(' ').append(name).append('=').append(port));
      command.append(' ').append(root.resolve("run")).append(" > ").append(log).append(" 2>&1");
      tmux.run("new-session", "-d", "-s", "run", "-c", root.toString(), command.toString());
      ProcessHandle run = ProcessHandle.of(Long.parseLong(tmux.run("display-message", "-p", "-t", "run",
          "#{pane_pid}").trim())).orElseThrow();
      awaitReady(log);
      started.addAll(Stream.concat(Stream.of(run), run.descendants()).toList());
      assertThat(started).hasSizeGreaterThanOrEqualTo(5);

      tmux.run("kill-session", "-t", "run");

      awaitEverythingStopped(started, ports, log);
    } finally {
      tmux.killServer();
    }
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

  private static void awaitReady(Path log) {
    await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(200))
        .until(() -> Files.readString(log).contains("Local pipeline ready"));
  }

  /** Every process ./run started has ended, every port is free again, and the log shows the stop went in order. */
  private static void awaitEverythingStopped(List<ProcessHandle> started, Map<String, Integer> ports, Path log)
      throws IOException {
    await().atMost(STOP_TIMEOUT).untilAsserted(() -> assertThat(started).noneMatch(ProcessHandle::isAlive));
    await().atMost(STOP_TIMEOUT).untilAsserted(() -> assertThat(ports.values()).noneMatch(PortCheck::isTaken));
    assertThat(Files.readString(log)).contains("Stopping the tracker (SIGTERM)", "Local pipeline stopped")
        .as("the tracker's own account of its flush, passed through").containsPattern("\\[tracker].*Flushed \\d+ "
            + "records to Kinesis stream tracking-events");
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

  /** A tmux server of the test's own (its own socket), so other tmux sessions on the machine are never touched. */
  private record Tmux(Path executable, String socket) {

    String run(String... arguments) throws IOException, InterruptedException {
      List<String> command = new ArrayList<>(List.of(executable.toString(), "-L", socket));
      command.addAll(List.of(arguments));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      // Run from inside a tmux session, tmux would refuse to nest one.
      builder.environment().remove("TMUX");
      Process tmux = builder.start();
      String output = new String(tmux.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(tmux.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(tmux.exitValue()).as("tmux %s: %s", arguments[0], output).isZero();
      return output;
    }

    void killServer() throws IOException, InterruptedException {
      // No server left to kill (the last session is gone) is fine.
      new ProcessBuilder(executable.toString(), "-L", socket, "kill-server").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
    }
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
