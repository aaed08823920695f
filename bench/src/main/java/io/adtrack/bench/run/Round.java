package io.adtrack.bench.run;

import io.adtrack.bench.load.LoadResult;
import io.adtrack.bench.sink.SinkStats;

/**
 * One measured round: what the generator saw, what the target's process spent, how busy the machine was, and
 * (tracker rounds against the sink) what reached the sink meanwhile.
 */
record Round(LoadResult result, long targetCpuNanos, double loadAverage, SinkStats.Snapshot sinkBefore,
    SinkStats.Snapshot sinkAfter) {

  /** CPU the target used per answered request, microseconds. */
  double cpuMicrosPerRequest() {
    return result.answered() == 0 ? Double.NaN : targetCpuNanos / 1000.0 / result.answered();
  }

  /** Target CPU as a share of one core over the round. */
  double targetCores() {
    return targetCpuNanos / (double) result.elapsedNanos();
  }

  double generatorCores() {
    return result.generatorCpuNanos() / (double) result.elapsedNanos();
  }

  long sinkCalls() {
    return sinkAfter == null ? 0 : sinkAfter.calls() - sinkBefore.calls();
  }

  long sinkRecords() {
    return sinkAfter == null ? 0 : sinkAfter.records() - sinkBefore.records();
  }

  double recordsPerCall() {
    long calls = sinkCalls();
    long failed = sinkAfter == null ? 0 : sinkAfter.failedRecords() - sinkBefore.failedRecords();
    return calls == 0 ? Double.NaN : (sinkRecords() + failed) / (double) calls;
  }

  double callsPerSecond() {
    return sinkCalls() * 1e9 / result.elapsedNanos();
  }
}
