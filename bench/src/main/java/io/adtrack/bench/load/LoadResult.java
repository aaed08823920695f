package io.adtrack.bench.load;

import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * One load round against one target.
 *
 * @param target         name of what was driven (tracker, baseline, ...)
 * @param mix            request mix name
 * @param mode           closed loop (max throughput) or constant rate (latency)
 * @param requestedRate  requests per second asked for (constant rate), 0 for closed loop
 * @param elapsedNanos   from the first send to the last answer
 * @param statusCounts   answers by HTTP status
 * @param errors         requests without an answer (connection refused or reset, 10 s idle timeout)
 * @param latencyMicros  closed loop: send to last byte; constant rate: INTENDED send time to last byte, so a
 *                       stall counts for every request that should have been sent meanwhile (no coordinated
 *                       omission)
 * @param serviceMicros  actual send to last byte (what an uncorrected generator would report)
 * @param generatorCpuNanos CPU the generator's own JVM used during the round (to show it was not the bottleneck)
 */
public record LoadResult(String target, String mix, Mode mode, double requestedRate, long elapsedNanos,
    Map<Integer, Long> statusCounts, long errors, Histogram latencyMicros, Histogram serviceMicros,
    long generatorCpuNanos) {

  /** How the round was driven. */
  public enum Mode { CLOSED_LOOP, CONSTANT_RATE }

  public long answered() {
    return statusCounts.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Answers with 2xx or 3xx: events the tracker acknowledged (when the target is the tracker). */
  public long acknowledged() {
    return statusCounts.entrySet().stream().filter(e -> e.getKey() >= 200 && e.getKey() < 400)
        .mapToLong(Map.Entry::getValue).sum();
  }

  public long count(int status) {
    return statusCounts.getOrDefault(status, 0L);
  }

  /** Answers per second over the round (every status counts: a 404 is work done too). */
  public double requestsPerSecond() {
    return elapsedNanos == 0 ? 0 : answered() * 1e9 / elapsedNanos;
  }

  /** Latency at a percentile (0..100), in milliseconds. */
  public double latencyMillis(double percentile) {
    return latencyMicros.getTotalCount() == 0 ? Double.NaN
        : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
  }

  public double serviceMillis(double percentile) {
    return serviceMicros.getTotalCount() == 0 ? Double.NaN
        : serviceMicros.getValueAtPercentile(percentile) / 1000.0;
  }

  /** Statuses as {@code 200=1234 404=56}, errors last. */
  public String statusSummary() {
    StringBuilder text = new StringBuilder();
    new TreeMap<>(statusCounts).forEach((status, n) -> text.append(text.length() > 0 ? " " : "").append(status)
        .append('=').append(n));
    if (errors > 0) {
      text.append(text.length() > 0 ? " " : "").append("err=").append(errors);
    }
    return text.toString();
  }

  @Override
  public String toString() {
    return String.format("%s %s %s: %.0f req/s, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, %s", target, mix,
        mode == Mode.CLOSED_LOOP ? "max" : String.format("@%.0f/s", requestedRate), requestsPerSecond(),
        latencyMillis(50), latencyMillis(99), latencyMillis(99.9), statusSummary());
  }
}
