package io.adtrack.bench.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What /proc says about a process the runner started (tracker, baseline, sink, pipeline): resident memory and CPU
 * time, so the report can set work done against resources used. Zero once the process is gone.
 */
final class ProcStats {

  private static final Logger LOG = LoggerFactory.getLogger(ProcStats.class);
  /** USER_HZ: /proc/<pid>/stat counts CPU time in these ticks; 100 on every Linux we run on. */
  private static final long TICKS_PER_SECOND = 100;

  private ProcStats() {
  }

  /** VmRSS in kB. */
  static long rssKb(long pid) {
    return statusField(pid, "VmRSS:");
  }

  /** VmHWM (peak resident) in kB. */
  static long peakRssKb(long pid) {
    return statusField(pid, "VmHWM:");
  }

  /** User + system CPU time so far, in nanoseconds. */
  static long cpuNanos(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // Fields after the parenthesised command name, which may itself contain spaces.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return ticks * (1_000_000_000L / TICKS_PER_SECOND);
    } catch (IOException | RuntimeException e) {
      return 0;
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
