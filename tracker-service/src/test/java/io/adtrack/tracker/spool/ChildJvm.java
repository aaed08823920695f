package io.adtrack.tracker.spool;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** A {@link SpoolChild} JVM: its stdout as lines, its stdin for commands, and SIGKILL. */
final class ChildJvm implements AutoCloseable {

  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final Thread pump;
  private final Writer stdin;

  private ChildJvm(Process process) {
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
    this.pump = new Thread(this::pumpLines, "child-stdout-" + process.pid());
    pump.setDaemon(true);
    pump.start();
  }

  /** Starts {@code SpoolChild args}, behind {@code prefix} (e.g. {@code prlimit ...}) when it is not empty. */
  static ChildJvm start(List<String> prefix, String... args) {
    List<String> command = new ArrayList<>(prefix);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-XX:-UsePerfData", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        SpoolChild.class.getName()));
    command.addAll(List.of(args));
    try {
      return new ChildJvm(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long pid() {
    return process.pid();
  }

  void send(String command) {
    try {
      stdin.write(command + "\n");
      stdin.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for the next line that matches, handing every line before it (and it) to {@code seen}. */
  String awaitLine(Predicate<String> wanted, Consumer<String> seen) {
    String[] found = new String[1];
    await().atMost(SpoolTesting.PATIENCE).pollInterval(Duration.ofMillis(1)).until(() -> {
      for (String line; (line = lines.poll()) != null; ) {
        seen.accept(line);
        if (wanted.test(line)) {
          found[0] = line;
          return true;
        }
      }
      if (!process.isAlive() && !pump.isAlive() && lines.isEmpty()) {
        throw new AssertionError("child exited with " + process.exitValue() + " before the line the test awaits");
      }
      return false;
    });
    return found[0];
  }

  String awaitLine(Predicate<String> wanted) {
    return awaitLine(wanted, line -> { });
  }

  /** Hands every line read so far to {@code seen}. */
  void takeLines(Consumer<String> seen) {
    for (String line; (line = lines.poll()) != null; ) {
      seen.accept(line);
    }
  }

  /** SIGKILL, then everything it had written to stdout before it died. */
  void kill(Consumer<String> seen) throws InterruptedException {
    // Through the handle: Process.destroyForcibly would also close the pipe, losing lines the child wrote.
    process.toHandle().destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    pump.join(TimeUnit.SECONDS.toMillis(30));
    takeLines(seen);
  }

  int waitForExit() throws InterruptedException {
    if (!process.waitFor(SpoolTesting.PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
      throw new AssertionError("child did not exit");
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  private void pumpLines() {
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
      for (String line; (line = out.readLine()) != null; ) {
        lines.add(line);
      }
    } catch (IOException e) {
      lines.add("stdout failed: " + e);
    }
  }
}
