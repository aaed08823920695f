package io.adtrack.tracker;

import static org.awaitility.Awaitility.await;

import io.adtrack.testkit.ChildProcess;
import io.adtrack.testkit.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * {@link Main} in a JVM of its own, as ECS runs it: configured only by its environment, its output kept line by line
 * (a pipe, never a file: a file-size limit on the process must hit the spool only), stopped by SIGTERM or killed
 * by SIGKILL.
 */
public final class TrackerProcess implements AutoCloseable {

  private final ChildProcess child;
  private final int port;
  private final int managementPort;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private TrackerProcess(List<String> command, Map<String, String> env, int port, int managementPort) {
    this.port = port;
    this.managementPort = managementPort;
    this.child = ChildProcess.of("tracker-" + port, command).environment(env).lines(line -> {
      lines.add(line);
      System.out.println("[tracker " + port + "] " + line);
    }).start();
  }

  /**
   * Starts a tracker.
   *
   * @param prefix   a command the JVM runs under (e.g. {@code prlimit --fsize=...}), or empty
   * @param jvmFlags flags before the main class (e.g. a heap cap)
   * @param env      the tracker's variables on top of these defaults: one HTTP instance, dummy AWS keys, CBOR off
   *                 (kinesalite), the region, a free MANAGEMENT_PORT; HTTP_PORT is required
   */
  public static TrackerProcess start(List<String> prefix, List<String> jvmFlags, Map<String, String> env) {
    Map<String, String> all = new HashMap<>(Map.of(
        "AWS_REGION", "us-east-1",
        "AWS_ACCESS_KEY_ID", "local",
        "AWS_SECRET_ACCESS_KEY", "local",
        "CBOR_ENABLED", "false",
        "HTTP_INSTANCES", "1",
        "MANAGEMENT_PORT", Integer.toString(FreePorts.next())));
    all.putAll(env);
    List<String> flags = new ArrayList<>(List.of("-XX:-UsePerfData", "-XX:+ExitOnOutOfMemoryError"));
    flags.addAll(jvmFlags);
    List<String> command = new ArrayList<>(prefix);
    command.addAll(ChildProcess.java(flags, List.of("-cp", System.getProperty("java.class.path"),
        Main.class.getName())));
    return new TrackerProcess(command, all, Integer.parseInt(all.get("HTTP_PORT")),
        Integer.parseInt(all.get("MANAGEMENT_PORT")));
  }

  /** The environment of a tracker on a free port against the given Redis and Kinesis, with {@code extra}. */
  public static Map<String, String> environment(String redisUrl, int kinesisPort, String stream,
      Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of(
        "HTTP_PORT", Integer.toString(FreePorts.next()),
        "REDIS_URL", redisUrl,
        "AWS_ENDPOINT_URL_KINESIS", "http://localhost:" + kinesisPort,
        "EVENT_STREAM", stream));
    env.putAll(extra);
    return env;
  }

  public int port() {
    return port;
  }

  public long pid() {
    return child.pid();
  }

  public boolean isAlive() {
    return child.isAlive();
  }

  /** Everything it printed so far. */
  public List<String> lines() {
    return List.copyOf(lines);
  }

  /** Waits until {@code /health/ready} answers 200, failing at once if the process exits. */
  public TrackerProcess awaitReady() {
    await("tracker on " + port + " ready").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
        .failFast("the tracker exited", () -> !child.isAlive())
        .until(() -> {
          HttpResponse<String> ready = management("/health/ready");
          return ready != null && ready.statusCode() == 200;
        });
    return this;
  }

  /** A GET on the public port, or null when nothing answers. */
  public HttpResponse<String> get(String path) {
    return get(port, path);
  }

  /** A GET on the management port (health, metrics), or null when nothing answers. */
  public HttpResponse<String> management(String path) {
    return get(managementPort, path);
  }

  private HttpResponse<String> get(int onPort, String path) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + onPort + path))
          .timeout(Duration.ofSeconds(10)).build();
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The value of one sample of {@code /metrics}, e.g. {@code tracker_spool_replayed_total}; NaN when absent. */
  public double metric(String sample) {
    HttpResponse<String> metrics = management("/metrics");
    if (metrics == null) {
      return Double.NaN;
    }
    for (String line : metrics.body().split("\n")) {
      if (line.startsWith(sample + " ")) {
        return Double.parseDouble(line.substring(sample.length() + 1).trim());
      }
    }
    return Double.NaN;
  }

  /** SIGKILL: no shutdown hook, no flush, nothing the JVM could still do. Waits until it is gone. */
  public void kill() throws InterruptedException {
    child.process().toHandle().destroyForcibly();
    child.process().waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, as ECS stops a task; returns the exit code (killed after 60 s). */
  public int stop() {
    return child.stop(Duration.ofSeconds(60));
  }

  @Override
  public void close() {
    if (child.isAlive()) {
      child.stop(Duration.ofSeconds(60));
    }
  }
}
