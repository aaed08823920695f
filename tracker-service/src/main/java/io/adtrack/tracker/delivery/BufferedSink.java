package io.adtrack.tracker.delivery;

import com.google.common.base.Ticker;
import io.adtrack.tracker.kinesis.KinesisHealth;
import io.adtrack.tracker.kinesis.ProducerBuffer;
import io.adtrack.tracker.sink.EventSink;
import io.adtrack.tracker.sink.SinkCheck;
import java.util.List;

/**
 * What the sinks over the in-memory {@link ProducerBuffer} share (ACK_AFTER=memory and kinesis): readiness from the
 * buffer's bounds and Kinesis' reachability, and the backlog figures read from the buffer.
 */
abstract class BufferedSink implements EventSink {

  protected final ProducerBuffer buffer;
  private final KinesisHealth kinesis;
  private final Ticker ticker;

  BufferedSink(ProducerBuffer buffer, KinesisHealth kinesis, Ticker ticker) {
    this.buffer = buffer;
    this.kinesis = kinesis;
    this.ticker = ticker;
  }

  @Override
  public final List<SinkCheck> checks() {
    return List.of(Checks.kinesisReachable(kinesis), Checks.producerNotSaturated(buffer));
  }

  @Override
  public final long records() {
    return buffer.depth();
  }

  @Override
  public final long bytes() {
    return buffer.depthBytes();
  }

  @Override
  public final long oldestAgeMillis() {
    return Checks.millisSince(buffer.oldestUnstoredAtNanos(), ticker.read());
  }
}
