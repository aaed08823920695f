package io.adtrack.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Node.js script in a child process that can require what {@code npm ci} installed (playwright-core, the
 * emulators): the repository's node_modules is on its {@code NODE_PATH}. The test reads the script's output line by
 * line and closes its stdin to tell it to finish.
 */
public final class NodeScript implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NodeScript.class);
  private static final String END = "\u0000end";
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final StringBuffer errors = new StringBuffer();
  private final ChildProcess process;

  private NodeScript(Path script, Map<String, String> environment, String... arguments) {
    List<String> command = new ArrayList<>(List.of("node", script.toAbsolutePath().toString()));
    command.addAll(List.of(arguments));
    Map<String, String> variables = new HashMap<>(environment);
    variables.put("NODE_PATH", NodeModules.locate().toString());
    try {
      process = ChildProcess.of("node " + script.getFileName(), command).environment(variables)
          .lines(lines::add)
          .errorLines(line -> errors.append(line).append('\n'))
          .start();
    } catch (UncheckedIOException e) {
      throw new UncheckedIOException("cannot start node (Node.js 20+ must be on the PATH)", e.getCause());
    }
    process.output().thenRun(() -> lines.add(END));
  }

  /** Starts {@code node script arguments...} with {@code environment} added to this JVM's. */
  public static NodeScript start(Path script, Map<String, String> environment, String... arguments) {
    return new NodeScript(script, environment, arguments);
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

  /** Closes the script's stdin (its cue to finish) and waits for it to exit; stops it if it does not. */
  @Override
  public void close() {
    try {
      process.process().getOutputStream().close();
    } catch (IOException e) {
      LOG.debug("stdin of {} already closed", process.name(), e);
    }
    process.awaitExit(EXIT_TIMEOUT, STOP_GRACE);
  }
}
