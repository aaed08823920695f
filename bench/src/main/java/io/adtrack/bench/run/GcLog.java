package io.adtrack.bench.run;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The GC pauses of a child JVM, from the unified log it writes with {@link #flag(Path)}, so a latency tail can be
 * set against the collector's pauses in the same seconds.
 */
final class GcLog {

  /** One stop-the-world pause: when it ended and how long it took. */
  record Pause(Instant at, double millis) {
  }

  /** Count, longest and total pause within a time window. */
  record Window(int count, double maxMillis, double totalMillis) {
    String describe() {
      return count == 0 ? "none" : String.format("%d, max %.1f ms, total %.0f ms", count, maxMillis, totalMillis);
    }
  }

  private static final Pattern PAUSE = Pattern.compile("^\\[([^\\]]+)\\].*\\bPause\\b.*?([\\d.]+)ms\\s*$");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

  private GcLog() {
  }

  /** The JVM flag that makes a child log its GC pauses, with wall-clock times, to {@code file}. */
  static String flag(Path file) {
    return "-Xlog:gc:file=" + file + ":time";
  }

  static List<Pause> read(Path file) {
    List<Pause> pauses = new ArrayList<>();
    if (!Files.isRegularFile(file)) {
      return pauses;
    }
    try {
      for (String line : Files.readAllLines(file)) {
        Matcher m = PAUSE.matcher(line);
        if (m.find()) {
          pauses.add(new Pause(OffsetDateTime.parse(m.group(1), TIME).toInstant(), Double.parseDouble(m.group(2))));
        }
      }
    } catch (IOException | RuntimeException e) {
      // A log we cannot read leaves the column empty; it does not invalidate the round.
      return pauses;
    }
    return pauses;
  }

  static Window within(List<Pause> pauses, Instant from, Instant to) {
    List<Pause> in = pauses.stream().filter(p -> !p.at().isBefore(from) && !p.at().isAfter(to)).toList();
    return new Window(in.size(), in.stream().mapToDouble(Pause::millis).max().orElse(0),
        in.stream().mapToDouble(Pause::millis).sum());
  }

  /** Milliseconds this JVM (the load generator's) has spent in GC so far. */
  static long ownGcMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(GarbageCollectorMXBean::getCollectionTime).filter(t -> t > 0).sum();
  }
}
