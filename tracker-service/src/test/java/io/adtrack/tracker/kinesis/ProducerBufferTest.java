package io.adtrack.tracker.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.base.Ticker;
import io.adtrack.tracker.ManualTicker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProducerBufferTest {

  @Test
  void offersBeyondTheRecordBound_areRefused_untilKinesisStoredSome() {
    ProducerBuffer buffer = new ProducerBuffer(2, 1L << 20, 500, Ticker.systemTicker());

    assertThat(buffer.offer(new PendingRecord("a", new byte[1]))).isEqualTo(ProducerBuffer.Offer.ACCEPTED);
    assertThat(buffer.offer(new PendingRecord("b", new byte[1]))).isEqualTo(ProducerBuffer.Offer.ACCEPTED);
    assertThat(buffer.offer(new PendingRecord("c", new byte[1]))).isEqualTo(ProducerBuffer.Offer.FULL);

    PendingRecord taken = buffer.poll();
    assertThat(buffer.offer(new PendingRecord("c", new byte[1]))).as("taken is not stored yet")
        .isEqualTo(ProducerBuffer.Offer.FULL);
    buffer.release(List.of(taken));
    assertThat(buffer.offer(new PendingRecord("c", new byte[1]))).isEqualTo(ProducerBuffer.Offer.ACCEPTED);
    assertThat(buffer.depth()).isEqualTo(2);
  }

  @Test
  void offersBeyondTheByteBound_areRefused_andAnOversizedRecordIsTooLarge() {
    ProducerBuffer buffer = new ProducerBuffer(100, 100, 500, Ticker.systemTicker());

    assertThat(buffer.offer(new PendingRecord("a", new byte[60]))).isEqualTo(ProducerBuffer.Offer.ACCEPTED);
    assertThat(buffer.offer(new PendingRecord("b", new byte[60]))).isEqualTo(ProducerBuffer.Offer.FULL);
    assertThat(buffer.depthBytes()).isEqualTo(61);
    assertThat(buffer.depth()).isEqualTo(1);
    assertThat(buffer.offer(new PendingRecord("c", new byte[1 << 20]))).isEqualTo(ProducerBuffer.Offer.TOO_LARGE);
  }

  @Test
  void theSender_isToldWhenAFirstRecordWaits_andWhenAFullBatchWaits() {
    ProducerBuffer buffer = new ProducerBuffer(10_000, 1L << 30, 3, Ticker.systemTicker());
    AtomicInteger told = new AtomicInteger();
    buffer.onAvailable(told::incrementAndGet);

    for (int i = 0; i < 7; i++) {
      buffer.offer(new PendingRecord("k" + i, new byte[1]));
    }
    assertThat(told).as("records 1, 3 and 6").hasValue(3);
    buffer.poll();
    assertThat(told).as("taking records tells nobody").hasValue(3);
    while (buffer.poll() != null) {
      assertThat(buffer.waiting()).isNotNegative();
    }
    buffer.offer(new PendingRecord("again", new byte[1]));

    assertThat(told).as("the first record after the buffer ran empty").hasValue(4);
    assertThat(buffer.saturated()).isFalse();
  }

  @Test
  void eachRecord_isStampedWithTheTickerWhenAccepted() {
    ManualTicker ticker = new ManualTicker();
    ProducerBuffer buffer = new ProducerBuffer(10, 1L << 20, 500, ticker);
    assertThat(buffer.oldestAcceptedAtNanos()).isEqualTo(-1);
    long first = ticker.read();
    buffer.offer(new PendingRecord("a", new byte[1]));
    ticker.advance(Duration.ofMillis(7));
    buffer.offer(new PendingRecord("b", new byte[1]));

    assertThat(buffer.oldestAcceptedAtNanos()).isEqualTo(first);
    buffer.poll();
    assertThat(buffer.oldestAcceptedAtNanos()).isEqualTo(first + Duration.ofMillis(7).toNanos());
  }

  @Test
  void theOldestUnstoredRecord_isTheOlderOfTheOldestWaiting_andTheOldestTheSenderHolds() {
    ManualTicker ticker = new ManualTicker();
    ProducerBuffer buffer = new ProducerBuffer(10, 1L << 20, 500, ticker);
    assertThat(buffer.oldestUnstoredAtNanos()).as("empty").isEqualTo(-1);
    long first = ticker.read();
    buffer.offer(new PendingRecord("a", new byte[1]));
    ticker.advance(Duration.ofMillis(7));
    buffer.offer(new PendingRecord("b", new byte[1]));
    PendingRecord taken = buffer.poll();

    assertThat(buffer.oldestUnstoredAtNanos()).as("the sender has not said yet").isEqualTo(first + 7_000_000);
    buffer.senderHolds(taken.acceptedAtNanos());
    assertThat(buffer.oldestUnstoredAtNanos()).as("the one in flight").isEqualTo(first);
    buffer.release(List.of(taken));
    buffer.senderHolds(-1);
    assertThat(buffer.oldestUnstoredAtNanos()).isEqualTo(first + 7_000_000);
    buffer.release(List.of(buffer.poll()));
    assertThat(buffer.oldestUnstoredAtNanos()).isEqualTo(-1);
  }

  @Test
  void aClosedBuffer_takesNothingMore_butKeepsWhatItHolds() {
    ProducerBuffer buffer = new ProducerBuffer(10, 1L << 20, 500, Ticker.systemTicker());
    buffer.offer(new PendingRecord("before", new byte[1]));

    buffer.close();

    assertThat(buffer.offer(new PendingRecord("after", new byte[1]))).isEqualTo(ProducerBuffer.Offer.FULL);
    assertThat(buffer.depth()).isEqualTo(1);
    assertThat(buffer.poll().partitionKey()).isEqualTo("before");
  }
}
