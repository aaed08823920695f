package io.adtrack.tracker.delivery;

import io.adtrack.tracker.kinesis.PendingRecord;
import io.adtrack.tracker.sink.Offer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * A record whose caller waits until Kinesis stored it (ACK_AFTER=kinesis). Its answer is decided on the caller's
 * context, by whichever comes first there: the sender's news that Kinesis stored it, or the caller's timer. So the
 * two never race, and an answered timeout marks the record {@link #abandoned()} for the sender.
 */
final class AwaitedRecord extends PendingRecord {

  private final Context context;
  private final Promise<Offer> promise = Promise.promise();
  private volatile boolean abandoned;
  private long timer = -1;

  AwaitedRecord(String messageId, byte[] data, Context context) {
    super(messageId, data);
    this.context = context;
  }

  /** Starts the caller's timer on the caller's context (where a caller from outside Vert.x is given one). */
  void startTimer(long timeoutMillis) {
    if (Vertx.currentContext() == context) {
      arm(timeoutMillis);
    } else {
      context.runOnContext(v -> arm(timeoutMillis));
    }
  }

  /** The record was not taken after all: no answer will be waited for. */
  void cancelTimer() {
    if (Vertx.currentContext() == context) {
      disarm();
    } else {
      context.runOnContext(v -> disarm());
    }
  }

  private void arm(long timeoutMillis) {
    timer = context.owner().setTimer(timeoutMillis, id -> {
      // Marked before the answer goes out: whoever hears the 503 finds the record abandoned.
      if (!promise.future().isComplete()) {
        abandoned = true;
        promise.complete(Offer.TIMED_OUT);
      }
    });
  }

  private void disarm() {
    if (timer != -1) {
      context.owner().cancelTimer(timer);
      timer = -1;
    }
  }

  Future<Offer> answer() {
    return promise.future();
  }

  /** On the sender's context: the answer is written on the caller's. */
  @Override
  protected void stored() {
    context.runOnContext(v -> {
      disarm();
      promise.tryComplete(Offer.ACCEPTED);
    });
  }

  @Override
  public boolean abandoned() {
    return abandoned;
  }
}
