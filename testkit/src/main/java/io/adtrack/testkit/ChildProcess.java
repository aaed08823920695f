package io.adtrack.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process started by a test, by {@code ./run} or by a benchmark: the tracker's jar, an emulator, a baseline, a
 * Node.js script, apt-get. Its output goes to a log file or is handed on line by line (printed with a prefix, read by
 * a test); it is stopped the way ECS stops a task, SIGTERM first and SIGKILL only after a grace period, so a tracker
 * gets to flush.
 *
 * @param name    what logs call it
 * @param process the running process
 * @param log     the file its output goes to, or null when it is handed on or discarded
 * @param output  completes once all its output has been handed on (at once when there is none to hand on)
 */
public record ChildProcess(String name, Process process, Path log, CompletableFuture<Void> output)
    implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);
  /** How long a killed process may take to go. */
  private static final Duration KILL_WAIT = Duration.ofSeconds(5);

  /** A process to start: {@code command} as given, this process's environment, output discarded. */
  public static Builder of(String name, List<String> command) {
    return new Builder(name, command);
  }

  /** This JVM's {@code java} followed by {@code arguments}. */
  public static List<String> java(List<String> arguments) {
    return java(List.of(), arguments);
  }

  /** This JVM's {@code java}, the JVM flags, then either {@code -jar jar} or {@code -cp cp main} and arguments. */
  public static List<String> java(List<String> flags, List<String> launch) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(flags);
    command.addAll(launch);
    return command;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Completes with the exit code once the process has ended. */
  public CompletableFuture<Integer> onExit() {
    return process.onExit().thenApply(Process::exitValue);
  }

  /**
   * Asks the process to stop (SIGTERM) and waits up to {@code grace}; then kills it (SIGKILL).
   *
   * @return its exit code; -1 when it could not be waited for
   */
  public int stop(Duration grace) {
    // Through the handle: Process.destroy() would also close our end of its output, losing what it prints while
    // it shuts down (a tracker's flush summary).
    process.toHandle().destroy();
    if (!ended(grace)) {
      LOG.warn("{} did not stop within {} s of SIGTERM: killing it", name, grace.toSeconds());
      process.destroyForcibly();
      ended(KILL_WAIT);
    }
    return exitCode();
  }

  /**
   * Waits up to {@code patience} for a process that was told to finish (its stdin closed, say) to end by itself;
   * then stops it as {@link #stop(Duration)} does.
   *
   * @return its exit code; -1 when it could not be waited for
   */
  public int awaitExit(Duration patience, Duration grace) {
    if (ended(patience)) {
      return exitCode();
    }
    LOG.warn("{} did not end within {} s: stopping it", name, patience.toSeconds());
    return stop(grace);
  }

  /** Whether the process ended within {@code patience}, its output handed on; killed when we are interrupted. */
  private boolean ended(Duration patience) {
    try {
      if (!process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
        return false;
      }
      output.get(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      LOG.debug("output of {} not passed through to the end", name, e);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    return true;
  }

  private int exitCode() {
    return process.isAlive() ? -1 : process.exitValue();
  }

  /** {@link #stop(Duration)} with a grace of 30 s, as long as a tracker may take to flush. */
  @Override
  public void close() {
    stop(Duration.ofSeconds(30));
  }

  /** How to start a {@link ChildProcess}. */
  public static final class Builder {

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment = new HashMap<>();
    private Path log;
    private Consumer<String> lines;
    private Consumer<String> errorLines;
    private boolean killOnJvmExit;

    private Builder(String name, List<String> command) {
      this.name = name;
      this.command = List.copyOf(command);
    }

    /** Variables set on top of this process's environment; a null value removes the variable. */
    public Builder environment(Map<String, String> variables) {
      environment.putAll(variables);
      return this;
    }

    /** Output and errors appended to {@code file}. */
    public Builder logTo(Path file) {
      this.log = file;
      return this;
    }

    /** Output and errors printed to {@code out}, each line behind {@code linePrefix}. */
    public Builder passThrough(PrintStream out, String linePrefix) {
      return lines(line -> out.println(linePrefix + line));
    }

    /** Each line of output (and of errors, unless {@link #errorLines} takes them) handed to {@code sink}. */
    public Builder lines(Consumer<String> sink) {
      this.lines = sink;
      return this;
    }

    /** Each line of errors handed to {@code sink}, apart from the output. */
    public Builder errorLines(Consumer<String> sink) {
      this.errorLines = sink;
      return this;
    }

    /** Killed (SIGKILL) if this JVM exits while it runs: for helpers nobody else would stop. */
    public Builder killOnJvmExit() {
      this.killOnJvmExit = true;
      return this;
    }

    /** @throws UncheckedIOException when the command cannot be started (not installed, not executable) */
    public ChildProcess start() {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(errorLines == null);
      environment.forEach((variable, value) -> {
        if (value == null) {
          builder.environment().remove(variable);
        } else {
          builder.environment().put(variable, value);
        }
      });
      if (log != null) {
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      } else if (lines == null) {
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
      }
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
      }
      LOG.info("Started {} (pid {})", name, process.pid());
      CompletableFuture<Void> output = CompletableFuture.allOf(
          lines == null || log != null ? CompletableFuture.completedFuture(null)
              : pump(process.getInputStream(), lines, name + "-output"),
          errorLines == null ? CompletableFuture.completedFuture(null)
              : pump(process.getErrorStream(), errorLines, name + "-errors"));
      if (killOnJvmExit) {
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, name + "-kill"));
      }
      return new ChildProcess(name, process, log, output);
    }

    private static CompletableFuture<Void> pump(InputStream stream, Consumer<String> sink, String threadName) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      Thread thread = new Thread(() -> {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
          String line;
          while ((line = reader.readLine()) != null) {
            sink.accept(line);
          }
        } catch (IOException e) {
          // The child closed its end (it exited): there is nothing more to hand on.
          LOG.debug("{} closed", threadName, e);
        } finally {
          done.complete(null);
        }
      }, threadName);
      thread.setDaemon(true);
      thread.start();
      return done;
    }
  }
}
