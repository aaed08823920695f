package io.adtrack.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracker's production jar in a child JVM, configured only through its environment as in ECS. Its output is
 * passed through line by line with a {@code [tracker]} prefix.
 */
final class TrackerProcess implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TrackerProcess.class);
  /** Variables of the launching shell that would point the tracker at real AWS; the local values replace them. */
  private static final List<String> DROPPED = List.of("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL",
      "AWS_DEFAULT_REGION");

  private final Process process;
  private final Thread pump;
  private final Duration shutdownGrace;

  private TrackerProcess(Process process, Duration shutdownGrace, PrintStream out) {
    this.process = process;
    this.shutdownGrace = shutdownGrace;
    this.pump = new Thread(() -> passThrough(out), "tracker-output");
    this.pump.setDaemon(true);
    this.pump.start();
  }

  /**
   * Starts {@code java -jar jar} with the given variables on top of this process's environment, so tracker settings
   * the user exported (CACHE_TTL_SECONDS, KINESIS_LINGER_MS, ...) still apply; a null value removes a variable.
   */
  static TrackerProcess start(Path jar, Map<String, String> env, Duration shutdownGrace, PrintStream out) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder = new ProcessBuilder(java.toString(), "-jar", jar.toString())
        .redirectErrorStream(true);
    DROPPED.forEach(builder.environment()::remove);
    env.forEach((name, value) -> {
      if (value == null) {
        builder.environment().remove(name);
      } else {
        builder.environment().put(name, value);
      }
    });
    try {
      Process process = builder.start();
      LOG.info("Tracker started (pid {}) from {}", process.pid(), jar);
      return new TrackerProcess(process, shutdownGrace, out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the tracker from " + jar, e);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Process process() {
    return process;
  }

  /** SIGTERM, then the tracker's own shutdown (flushing its Kinesis buffer) gets {@code shutdownGrace}. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    LOG.info("Stopping the tracker (SIGTERM), up to {} s to flush", shutdownGrace.toSeconds());
    process.destroy();
    try {
      if (!process.waitFor(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("Tracker still running after {} s: killing it", shutdownGrace.toSeconds());
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      pump.join(Duration.ofSeconds(2).toMillis());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    LOG.info("Tracker stopped (exit code {})", process.isAlive() ? "?" : process.exitValue());
  }

  private void passThrough(PrintStream out) {
    try (BufferedReader reader = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        out.println("[tracker] " + line);
      }
    } catch (IOException e) {
      // The child closed its end (it exited): there is nothing more to pass through.
      LOG.debug("tracker output closed", e);
    }
  }
}
