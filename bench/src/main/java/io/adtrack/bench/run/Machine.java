package io.adtrack.bench.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.List;

/** The machine the numbers come from, and how busy it was (load average sampled at every round). */
public final class Machine {

  private final List<Double> loadSamples = new ArrayList<>();

  public static double loadAverage1m() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** Samples the 1-minute load average now and returns it. */
  public synchronized double sampleLoad() {
    double load = loadAverage1m();
    if (!Double.isNaN(load)) {
      loadSamples.add(load);
    }
    return load;
  }

  public synchronized String loadSummary() {
    DoubleSummaryStatistics stats = loadSamples.stream().mapToDouble(Double::doubleValue).summaryStatistics();
    if (stats.getCount() == 0) {
      return "n/a";
    }
    return String.format("min %.2f, mean %.2f, max %.2f (1-min load average, %d samples, one per round)",
        stats.getMin(), stats.getAverage(), stats.getMax(), stats.getCount());
  }

  public static String cpuModel() {
    return firstValue(Path.of("/proc/cpuinfo"), "model name").orElse("unknown");
  }

  public static String memory() {
    return firstValue(Path.of("/proc/meminfo"), "MemTotal")
        .map(v -> String.format("%.1f GiB", Long.parseLong(v.replace("kB", "").trim()) / 1024.0 / 1024.0))
        .orElse("unknown");
  }

  public static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  public static String jdk() {
    return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
  }

  public static String os() {
    return System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch");
  }

  private static java.util.Optional<String> firstValue(Path file, String key) {
    try {
      return Files.readAllLines(file).stream()
          .filter(line -> line.startsWith(key))
          .map(line -> line.substring(line.indexOf(':') + 1).trim())
          .findFirst();
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }
}
