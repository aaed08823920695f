package io.adtrack.bench.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process the runner started (tracker, baseline, sink, pipeline), with what /proc says about it: resident
 * memory and CPU time, so the report can set work done against resources used.
 */
final class ChildProcess implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);
  /** USER_HZ: /proc/<pid>/stat counts CPU time in these ticks; 100 on every Linux we run on. */
  private static final long TICKS_PER_SECOND = 100;

  private final String name;
  private final Process process;
  private final Path log;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command} with {@code env} added, output to {@code log}. */
  static ChildProcess start(String name, List<String> command, Map<String, String> env, Path log) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    try {
      Process process = builder.start();
      LOG.info("started {} (pid {}): {}", name, process.pid(), String.join(" ", command));
      ChildProcess child = new ChildProcess(name, process, log);
      Runtime.getRuntime().addShutdownHook(new Thread(child::kill, name + "-kill"));
      return child;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  /** A java command line: this JDK's java, the flags, then either {@code -jar jar} or {@code -cp cp main}. */
  static List<String> java(List<String> flags, List<String> launch) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(flags);
    command.addAll(launch);
    return command;
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path log() {
    return log;
  }

  /** VmRSS in kB (0 once gone). */
  long rssKb() {
    return rssKb(pid());
  }

  /** VmRSS of any process, in kB (0 once gone). */
  static long rssKb(long pid) {
    return statusField(pid, "VmRSS:");
  }

  /** VmHWM (peak resident) in kB. */
  long peakRssKb() {
    return statusField(pid(), "VmHWM:");
  }

  /** User + system CPU time so far, in nanoseconds. */
  long cpuNanos() {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
      // Fields after the parenthesised command name, which may itself contain spaces.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return ticks * (1_000_000_000L / TICKS_PER_SECOND);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Asks the process to stop (SIGTERM, so the tracker flushes) and waits; then kills it. */
  int stop(Duration grace) {
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("{} did not stop within {}; killing it", name, grace);
        process.destroyForcibly().waitFor();
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private void kill() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      stop(Duration.ofSeconds(30));
    }
  }

  private static long statusField(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("no {} for pid {}", field, pid, e);
    }
    return 0;
  }
}
