package io.adtrack.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A Node.js script in a child process that can require what {@code npm ci} installed (playwright-core, the
 * emulators): the repository's node_modules is on its {@code NODE_PATH}. The test reads the script's output line by
 * line and closes its stdin to tell it to finish.
 */
public final class NodeScript implements AutoCloseable {

  private static final String END = "\u0000end";
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final StringBuffer errors = new StringBuffer();

  private NodeScript(Process process) {
    this.process = process;
    pump(process.getInputStream(), "stdout", lines::add, () -> lines.add(END));
    pump(process.getErrorStream(), "stderr", line -> errors.append(line).append('\n'), () -> { });
  }

  /** Starts {@code node script arguments...} with {@code environment} added to this JVM's. */
  public static NodeScript start(Path script, Map<String, String> environment, String... arguments) {
    List<String> command = new ArrayList<>(List.of("node", script.toAbsolutePath().toString()));
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    builder.environment().put("NODE_PATH", NodeModules.locate().toString());
    try {
      return new NodeScript(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start node (Node.js 20+ must be on the PATH)", e);
    }
  }

  /**
   * The script's next line of output.
   *
   * @throws IllegalStateException when none comes within {@code timeout} or the script ended, with its stderr
   */
  public String readLine(Duration timeout) {
    String line;
    try {
      line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for the script", e);
    }
    if (line == null || END.equals(line)) {
      throw new IllegalStateException((line == null ? "no output within " + timeout : "the script ended")
          + "; its stderr:\n" + errors);
    }
    return line;
  }

  /** What the script wrote to stderr so far. */
  public String errors() {
    return errors.toString();
  }

  /** Closes the script's stdin (its cue to finish) and waits for it to exit; kills it if it does not. */
  @Override
  public void close() {
    try {
      process.getOutputStream().close();
      if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private void pump(InputStream stream, String name, Consumer<String> sink, Runnable atEnd) {
    Thread thread = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          sink.accept(line);
        }
      } catch (IOException e) {
        errors.append("reading the script's ").append(name).append(" failed: ").append(e).append('\n');
      } finally {
        atEnd.run();
      }
    }, "node-script-" + name);
    thread.setDaemon(true);
    thread.start();
  }
}
