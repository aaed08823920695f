package io.adtrack.tracker.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProducerBufferTest {

  @Test
  void offersBeyondTheRecordBound_areRefused_untilKinesisStoredSome() {
    ProducerBuffer buffer = new ProducerBuffer(2, 1L << 20, 500);

    assertThat(buffer.offer(new PendingRecord("a", new byte[1]))).isEqualTo(ProducerBuffer.Offer.ACCEPTED);
    assertThat(buffer.offer(new PendingRecord("b", new byte[1]))).isEqualTo(ProducerBuffer.Offer.ACCEPTED);
    assertThat(buffer.offer(new PendingRecord("c", new byte[1]))).isEqualTo(ProducerBuffer.Offer.FULL);

    PendingRecord taken = buffer.poll();
    assertThat(buffer.offer(new PendingRecord("c", new byte[1]))).as("taken is not stored yet")
        .isEqualTo(ProducerBuffer.Offer.FULL);
    buffer.release(1, taken.size());
    assertThat(buffer.offer(new PendingRecord("c", new byte[1]))).isEqualTo(ProducerBuffer.Offer.ACCEPTED);
    assertThat(buffer.depth()).isEqualTo(2);
  }

  @Test
  void offersBeyondTheByteBound_areRefused_andAnOversizedRecordIsTooLarge() {
    ProducerBuffer buffer = new ProducerBuffer(100, 100, 500);

    assertThat(buffer.offer(new PendingRecord("a", new byte[60]))).isEqualTo(ProducerBuffer.Offer.ACCEPTED);
    assertThat(buffer.offer(new PendingRecord("b", new byte[60]))).isEqualTo(ProducerBuffer.Offer.FULL);
    assertThat(buffer.depthBytes()).isEqualTo(61);
    assertThat(buffer.depth()).isEqualTo(1);
    assertThat(buffer.offer(new PendingRecord("c", new byte[1 << 20]))).isEqualTo(ProducerBuffer.Offer.TOO_LARGE);
  }

  @Test
  void theSender_isToldWhenAFullBatchWaits() {
    ProducerBuffer buffer = new ProducerBuffer(10_000, 1L << 30, 3);
    AtomicInteger told = new AtomicInteger();
    buffer.onBatchReady(told::incrementAndGet);

    for (int i = 0; i < 7; i++) {
      buffer.offer(new PendingRecord("k" + i, new byte[1]));
    }

    assertThat(told).hasValue(2);
    assertThat(buffer.saturated()).isFalse();
  }
}
