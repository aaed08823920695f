package io.adtrack.tracker.delivery;

import com.google.common.base.Ticker;
import io.adtrack.tracker.config.TrackerConfig;
import io.adtrack.tracker.kinesis.KinesisHealth;
import io.adtrack.tracker.kinesis.ProducerBuffer;
import io.adtrack.tracker.kinesis.PutRecordsBatches;
import io.adtrack.tracker.kinesis.RecordSource;
import io.adtrack.tracker.metrics.TrackerMetrics;
import io.adtrack.tracker.sink.EventSink;
import io.adtrack.tracker.spool.Spool;
import io.vertx.core.Vertx;

/**
 * The way an accepted event takes to Kinesis, as ACK_AFTER chose it: the sink the intake offers events to, and the
 * source the Kinesis sender reads them from (the same producer buffer for memory and kinesis, the spool's files for
 * spool).
 */
public record DeliveryPath(EventSink sink, RecordSource source) {

  /**
   * @param spool the spool opened at start-up; only used (and required) with ACK_AFTER=spool
   */
  public static DeliveryPath of(TrackerConfig config, SpoolDirectory.Opened spool, Vertx vertx, KinesisHealth health,
      Ticker ticker) {
    TrackerConfig.Kinesis kinesis = config.kinesis();
    return switch (config.delivery().ackAfter()) {
      case SPOOL -> new DeliveryPath(new SpoolSink(spool, health),
          new SpoolSource(spool.spool(), ticker, System::currentTimeMillis));
      case MEMORY -> {
        ProducerBuffer buffer = buffer(kinesis, ticker);
        yield new DeliveryPath(new MemorySink(buffer, health, ticker), buffer);
      }
      case KINESIS -> {
        ProducerBuffer buffer = buffer(kinesis, ticker);
        yield new DeliveryPath(new KinesisAckSink(vertx, buffer, config.delivery().ackTimeout(), health, ticker),
            buffer);
      }
    };
  }

  /**
   * The delivery gauges, in every mode (accepted and not yet stored by Kinesis: how many, how big, how old), and
   * the spool's own figures when there is one.
   */
  public void bindMetrics(TrackerMetrics metrics) {
    metrics.gauge("tracker.buffer.records", "Events accepted and not yet stored by Kinesis", sink::records);
    metrics.gauge("tracker.buffer.bytes", "Message id and data bytes of those events", sink::bytes);
    metrics.gauge("tracker.buffer.oldest.age", "Age of the oldest event accepted and not yet stored by Kinesis "
        + "(0: none)", "seconds", () -> sink.oldestAgeMillis() / 1000.0);
    if (sink instanceof SpoolSink spoolSink) {
      Spool spool = spoolSink.spool();
      metrics.gauge("tracker.spool.bytes", "Bytes of the spool's files, counted against SPOOL_MAX_BYTES",
          spool::bytes);
      metrics.gauge("tracker.spool.records", "Records in the spool not yet stored by Kinesis", spool::records);
      metrics.gauge("tracker.spool.segments", "Segment files of the spool", spool::segments);
      metrics.counter("tracker.spool.replayed", "Records found unsent in the spool at start-up, sent again", spool,
          Spool::replayedAtStart);
      metrics.counter("tracker.spool.skipped", "Records lost to damage in the spool (torn or corrupt), skipped",
          spool, Spool::skippedRecords);
    }
  }

  private static ProducerBuffer buffer(TrackerConfig.Kinesis kinesis, Ticker ticker) {
    return new ProducerBuffer(kinesis.bufferMaxRecords(), kinesis.bufferMaxBytes(), PutRecordsBatches.MAX_RECORDS,
        ticker);
  }
}
