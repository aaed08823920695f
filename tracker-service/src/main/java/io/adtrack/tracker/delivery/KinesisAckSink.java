package io.adtrack.tracker.delivery;

import com.google.common.base.Ticker;
import io.adtrack.tracker.kinesis.KinesisHealth;
import io.adtrack.tracker.kinesis.ProducerBuffer;
import io.adtrack.tracker.sink.Offer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ACK_AFTER=kinesis: an event is accepted only once Kinesis stored it. It waits in the bounded
 * {@link ProducerBuffer} like any other (batched, retried by the sender), and its caller is answered when its
 * PutRecords entry succeeded, or with {@link Offer#TIMED_OUT} once ACK_TIMEOUT_MS passed without that. A timed-out
 * event is abandoned: the sender drops it rather than send or retry it, so a client that retries after the 503 does
 * not put the event on the stream twice (unless it was already on the wire when the time ran out: then Kinesis may
 * still store it, and that copy arrives too).
 */
public final class KinesisAckSink extends BufferedSink {

  private static final Logger LOG = LoggerFactory.getLogger(KinesisAckSink.class);
  private static final Future<Offer> FULL = Future.succeededFuture(Offer.FULL);
  private static final Future<Offer> TOO_LARGE = Future.succeededFuture(Offer.TOO_LARGE);

  private final Vertx vertx;
  private final long timeoutMillis;

  /** @param timeout ACK_TIMEOUT_MS: how long a caller waits for Kinesis before it gets a 503 */
  public KinesisAckSink(Vertx vertx, ProducerBuffer buffer, Duration timeout, KinesisHealth kinesis, Ticker ticker) {
    super(buffer, kinesis, ticker);
    this.vertx = vertx;
    this.timeoutMillis = Math.max(1, timeout.toMillis());
  }

  @Override
  public Future<Offer> offer(String messageId, byte[] data) {
    Context context = vertx.getOrCreateContext();
    AwaitedRecord record = new AwaitedRecord(messageId, data, context);
    // The timer first: once offered, the record may be stored (and its caller told) before offer() returns.
    record.startTimer(timeoutMillis);
    ProducerBuffer.Offer taken = buffer.offer(record);
    if (taken != ProducerBuffer.Offer.ACCEPTED) {
      record.cancelTimer();
      return taken == ProducerBuffer.Offer.FULL ? FULL : TOO_LARGE;
    }
    return record.answer();
  }

  @Override
  public Future<Void> close() {
    if (buffer.depth() > 0) {
      LOG.warn("{} events were not stored by Kinesis when the tracker stopped; none of them was acknowledged "
          + "(ACK_AFTER=kinesis), so their clients retry", buffer.depth());
    }
    return Future.succeededFuture();
  }
}
