package io.adtrack.tracker.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.base.Ticker;
import io.adtrack.tracker.kinesis.KinesisHealth;
import io.adtrack.tracker.kinesis.PendingRecord;
import io.adtrack.tracker.kinesis.ProducerBuffer;
import io.adtrack.tracker.sink.Offer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ACK_AFTER=kinesis without Kinesis: the test plays the sender, taking records from the buffer and telling them they
 * were stored, or not.
 */
class KinesisAckSinkTest {

  private final Vertx vertx = Vertx.vertx();
  private final ProducerBuffer buffer = new ProducerBuffer(2, 1L << 20, 500, Ticker.systemTicker());

  @AfterEach
  void closeVertx() {
    vertx.close().await();
  }

  private KinesisAckSink sink(Duration timeout) {
    return new KinesisAckSink(vertx, buffer, timeout, new KinesisHealth(), Ticker.systemTicker());
  }

  /** Offers on an event loop, as an HTTP handler would; the answer with the context it came on. */
  private Future<Answer> offerOnEventLoop(KinesisAckSink sink, String messageId) {
    Context caller = vertx.getOrCreateContext();
    Promise<Answer> answer = Promise.promise();
    caller.runOnContext(v -> sink.offer(messageId, new byte[] {1})
        .onComplete(offer -> answer.complete(new Answer(offer.result(), Vertx.currentContext() == caller))));
    return answer.future();
  }

  @Test
  void theAnswerWaitsUntilKinesisStoredTheRecord_andComesOnTheCallersContext() throws Exception {
    Future<Answer> answer = offerOnEventLoop(sink(Duration.ofSeconds(30)), "m1");
    await().until(() -> buffer.waiting() == 1);
    assertThat(answer.isComplete()).as("in the buffer is not stored").isFalse();

    PendingRecord record = buffer.poll();
    vertx.runOnContext(v -> new StoredBySender(record).tell());

    Answer stored = answer.await(10, TimeUnit.SECONDS);
    assertThat(stored.offer()).isEqualTo(Offer.ACCEPTED);
    assertThat(stored.onCallersContext()).isTrue();
    assertThat(record.abandoned()).isFalse();
  }

  @Test
  void noStoreWithinTheTimeout_isTimedOut_andTheRecordIsAbandonedForTheSender() throws Exception {
    Future<Answer> answer = offerOnEventLoop(sink(Duration.ofMillis(50)), "m1");

    Answer timedOut = answer.await(10, TimeUnit.SECONDS);

    assertThat(timedOut.offer()).isEqualTo(Offer.TIMED_OUT);
    assertThat(timedOut.onCallersContext()).isTrue();
    PendingRecord record = buffer.poll();
    assertThat(record.abandoned()).as("the sender drops it rather than send it").isTrue();
    new StoredBySender(record).tell();
    assertThat(answer.result().offer()).as("a late store changes no answer").isEqualTo(Offer.TIMED_OUT);
  }

  @Test
  void aFullBuffer_isFull_atOnce() throws Exception {
    KinesisAckSink sink = sink(Duration.ofSeconds(30));
    offerOnEventLoop(sink, "m1");
    offerOnEventLoop(sink, "m2");
    await().until(() -> buffer.depth() == 2);

    Answer third = offerOnEventLoop(sink, "m3").await(10, TimeUnit.SECONDS);

    assertThat(third.offer()).isEqualTo(Offer.FULL);
    assertThat(sink.records()).isEqualTo(2);
    assertThat(sink.checks()).extracting(check -> check.name()).containsExactly("kinesisReachable",
        "producerNotSaturated");
  }

  private record Answer(Offer offer, boolean onCallersContext) {
  }

  /** What the sender does for a record Kinesis stored: tell it, then release it from the buffer. */
  private final class StoredBySender {
    private final PendingRecord record;

    StoredBySender(PendingRecord record) {
      this.record = record;
    }

    void tell() {
      ((AwaitedRecord) record).stored();
      buffer.release(List.of(record));
    }
  }
}
