package io.adtrack.bench.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the JDK's jcmd against a child JVM (heap, flags, JFR) and reads its answer. */
final class Jcmd {

  private static final Pattern HEAP_LINE = Pattern.compile("^\\s?(\\S.*?)\\s+total (\\d+)K, used (\\d+)K");

  private Jcmd() {
  }

  static String run(long pid, String... command) {
    List<String> args = new ArrayList<>();
    args.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    args.add(Long.toString(pid));
    args.addAll(List.of(command));
    try {
      Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("jcmd " + String.join(" ", command) + " timed out");
      }
      // The first line is the pid; the rest is the answer.
      return out.substring(out.indexOf('\n') + 1).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("jcmd failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** "used X MiB of Y MiB committed" summed over the heap's top-level spaces of a GC.heap_info answer. */
  static String heapSummary(String heapInfo) {
    long used = 0;
    long total = 0;
    List<String> spaces = new ArrayList<>();
    for (String line : heapInfo.split("\n")) {
      Matcher m = HEAP_LINE.matcher(line);
      if (m.find()) {
        spaces.add(m.group(1).trim());
        total += Long.parseLong(m.group(2));
        used += Long.parseLong(m.group(3));
      }
    }
    if (spaces.isEmpty()) {
      return "(not parsed, see below)";
    }
    return String.format("used %.0f MiB of %.0f MiB committed (%s)", used / 1024.0, total / 1024.0,
        String.join(" + ", spaces));
  }
}
