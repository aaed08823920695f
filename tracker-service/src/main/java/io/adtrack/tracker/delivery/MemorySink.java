package io.adtrack.tracker.delivery;

import com.google.common.base.Ticker;
import io.adtrack.tracker.kinesis.KinesisHealth;
import io.adtrack.tracker.kinesis.PendingRecord;
import io.adtrack.tracker.kinesis.ProducerBuffer;
import io.adtrack.tracker.sink.Offer;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ACK_AFTER=memory: an event is accepted once it is in the bounded {@link ProducerBuffer}, which the Kinesis sender
 * drains. Answers at once; a crash of the process loses what the buffer holds.
 */
public final class MemorySink extends BufferedSink {

  private static final Logger LOG = LoggerFactory.getLogger(MemorySink.class);
  private static final Future<Offer> ACCEPTED = Future.succeededFuture(Offer.ACCEPTED);
  private static final Future<Offer> FULL = Future.succeededFuture(Offer.FULL);
  private static final Future<Offer> TOO_LARGE = Future.succeededFuture(Offer.TOO_LARGE);

  public MemorySink(ProducerBuffer buffer, KinesisHealth kinesis, Ticker ticker) {
    super(buffer, kinesis, ticker);
  }

  @Override
  public Future<Offer> offer(String messageId, byte[] data) {
    return switch (buffer.offer(new PendingRecord(messageId, data))) {
      case ACCEPTED -> ACCEPTED;
      case FULL -> FULL;
      case TOO_LARGE -> TOO_LARGE;
    };
  }

  @Override
  public Future<Void> close() {
    if (buffer.depth() > 0) {
      LOG.error("{} accepted events ({} bytes) were not stored by Kinesis and are lost with this process "
          + "(ACK_AFTER=memory)", buffer.depth(), buffer.depthBytes());
    }
    return Future.succeededFuture();
  }
}
