package io.adtrack.tracker.delivery;

import io.adtrack.tracker.kinesis.KinesisHealth;
import io.adtrack.tracker.kinesis.ProducerBuffer;
import io.adtrack.tracker.sink.SinkCheck;
import java.util.LinkedHashMap;
import java.util.Map;

/** The readiness checks the sinks share. */
final class Checks {

  private Checks() {
  }

  /** Whether the sender's last call or probe got through, and if not why. */
  static SinkCheck kinesisReachable(KinesisHealth health) {
    boolean reachable = health.reachable();
    return new SinkCheck("kinesisReachable", reachable, Map.of("detail", reachable ? "ok" : health.problem()));
  }

  /** Whether the producer buffer is below 90% of either bound, with what it holds. */
  static SinkCheck producerNotSaturated(ProducerBuffer buffer) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("bufferedRecords", buffer.depth());
    details.put("bufferedBytes", buffer.depthBytes());
    return new SinkCheck("producerNotSaturated", !buffer.saturated(), details);
  }

  static long millisSince(long nanos, long nowNanos) {
    return nanos < 0 ? 0 : Math.max(0, (nowNanos - nanos) / 1_000_000);
  }
}
