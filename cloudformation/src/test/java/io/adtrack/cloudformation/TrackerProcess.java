package io.adtrack.cloudformation;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The tracker's production jar (the one `mvn package` built) run as a process of its own, on free ports, against a
 * Redis and a Kinesis that are not there: it starts all the same (liveness 200, readiness 503), which is all the
 * stack's checks on it need. Stopped with SIGTERM, as ECS stops it.
 */
final class TrackerProcess implements AutoCloseable {

  /** TrackerConfig's default SHUTDOWN_TIMEOUT_SECONDS, plus time for the JVM to start and stop. */
  static final Duration EXIT_DEADLINE = Duration.ofSeconds(25 + 10);

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final Path log;
  private final int httpPort;
  private final int managementPort;

  private TrackerProcess(Process process, Path log, int httpPort, int managementPort) {
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
  }

  /** {@code java -jar tracker-service.jar} with {@code overrides} on top of the stand-in environment. */
  static TrackerProcess startJar(Map<String, String> overrides, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return start(List.of(java, "-jar", Repository.TRACKER_JAR.toString()), overrides, log);
  }

  /**
   * Runs {@code command}, its output to {@code log}, and waits until the management port answers /health/live.
   * The environment: free HTTP_PORT and MANAGEMENT_PORT, Redis and Kinesis on ports nothing listens on, dummy AWS
   * credentials, then {@code overrides}.
   */
  static TrackerProcess start(List<String> command, Map<String, String> overrides, Path log) throws IOException {
    if (!Files.isRegularFile(Repository.TRACKER_JAR)) {
      throw new IllegalStateException(Repository.TRACKER_JAR + " is missing: build it first (mvn -pl tracker-service "
          + "-am package -DskipTests)");
    }
    Map<String, String> env = new HashMap<>(Map.of(
        "HTTP_PORT", String.valueOf(freePort()),
        "MANAGEMENT_PORT", String.valueOf(freePort()),
        "REDIS_URL", "redis://127.0.0.1:" + freePort(),
        "AWS_ENDPOINT_URL_KINESIS", "http://127.0.0.1:" + freePort(),
        "AWS_REGION", "us-east-1",
        "AWS_ACCESS_KEY_ID", "local",
        "AWS_SECRET_ACCESS_KEY", "local",
        "CBOR_ENABLED", "false",
        "HTTP_INSTANCES", "1"));
    env.putAll(overrides);
    Files.createDirectories(log.toAbsolutePath().getParent());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    TrackerProcess tracker = new TrackerProcess(builder.start(), log, Integer.parseInt(env.get("HTTP_PORT")),
        Integer.parseInt(env.get("MANAGEMENT_PORT")));
    try {
      await("GET /health/live on the management port answers 200").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .failFast("the tracker exited; see " + log, () -> !tracker.process.isAlive())
          .until(() -> tracker.status(tracker.managementPort, "/health/live") == 200);
    } catch (RuntimeException e) {
      tracker.close();
      throw e;
    }
    return tracker;
  }

  int httpPort() {
    return httpPort;
  }

  int managementPort() {
    return managementPort;
  }

  /** GET {@code path} on 127.0.0.1:{@code port}. */
  HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** The status of GET {@code path}, or -1 while nothing listens. */
  int status(int port, String path) {
    try {
      return get(port, path).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** SIGTERM, as ECS and `docker stop` send it; the exit code, or -1 when it did not exit by {@link #EXIT_DEADLINE}. */
  int stop() throws InterruptedException {
    process.destroy();
    return process.waitFor(EXIT_DEADLINE.toSeconds(), TimeUnit.SECONDS) ? process.exitValue() : -1;
  }

  /** What the process wrote so far. */
  String output() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /** The end of the output, for failure messages (the whole file stays in target/). */
  String tail() throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return "last lines of " + log + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 15),
        lines.size()));
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
