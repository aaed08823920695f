package io.adtrack.tracker.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.base.Ticker;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

class PutRecordsBatchesTest {

  private static PendingRecord record(String key, int dataBytes) {
    return new PendingRecord(key, new byte[dataBytes]);
  }

  /** A record whose caller gave up waiting for it. */
  private static PendingRecord abandoned(String key) {
    return new PendingRecord(key, new byte[1]) {
      @Override
      public boolean abandoned() {
        return true;
      }
    };
  }

  private static ProducerBuffer bufferWith(int count, int dataBytes) {
    ProducerBuffer buffer = new ProducerBuffer(1_000_000, 1L << 34, 500, Ticker.systemTicker());
    for (int i = 0; i < count; i++) {
      assertThat(buffer.offer(record("k" + i, dataBytes))).isEqualTo(ProducerBuffer.Offer.ACCEPTED);
    }
    return buffer;
  }

  @Test
  void aBatch_holdsAtMost500Records() {
    ProducerBuffer buffer = bufferWith(1_201, 10);

    List<Integer> sizes = new ArrayList<>();
    List<PendingRecord> batch;
    while (!(batch = PutRecordsBatches.next(new ArrayDeque<>(), buffer, 500, PutRecordsBatches.MAX_BYTES,
        new ArrayList<>())).isEmpty()) {
      sizes.add(batch.size());
    }

    assertThat(sizes).containsExactly(500, 500, 201);
  }

  @Test
  void aBatch_holdsAtMost5MiB_countingPartitionKeys() {
    // 6 records of 1 MiB - 2 bytes data + 2-byte key = exactly 1 MiB each: five fit in 5 MiB, the sixth does not.
    ProducerBuffer buffer = new ProducerBuffer(100, 1L << 30, 500, Ticker.systemTicker());
    for (int i = 0; i < 6; i++) {
      buffer.offer(record("k" + i, (1 << 20) - 2));
    }

    List<PendingRecord> first = PutRecordsBatches.next(new ArrayDeque<>(), buffer, 500, PutRecordsBatches.MAX_BYTES,
        new ArrayList<>());
    List<PendingRecord> second = PutRecordsBatches.next(new ArrayDeque<>(), buffer, 500, PutRecordsBatches.MAX_BYTES,
        new ArrayList<>());

    assertThat(first).hasSize(5);
    assertThat(PutRecordsBatches.bytes(first)).isEqualTo(PutRecordsBatches.MAX_BYTES);
    assertThat(second).extracting(PendingRecord::partitionKey).containsExactly("k5");
  }

  @Test
  void recordsToRetry_goFirst() {
    ProducerBuffer buffer = bufferWith(3, 1);
    Deque<PendingRecord> retries = new ArrayDeque<>(List.of(record("r0", 1), record("r1", 1)));

    List<PendingRecord> batch = PutRecordsBatches.next(retries, buffer, 4, PutRecordsBatches.MAX_BYTES,
        new ArrayList<>());

    assertThat(batch).extracting(PendingRecord::partitionKey).containsExactly("r0", "r1", "k0", "k1");
    assertThat(retries).isEmpty();
    assertThat(buffer.waiting()).isEqualTo(1);
  }

  @Test
  void abandonedRecords_areTakenOutOfTheBatch_whetherNewOrToRetry() {
    ProducerBuffer buffer = new ProducerBuffer(100, 1L << 20, 500, Ticker.systemTicker());
    buffer.offer(record("k0", 1));
    buffer.offer(abandoned("k1"));
    buffer.offer(record("k2", 1));
    Deque<PendingRecord> retries = new ArrayDeque<>(List.of(abandoned("r0"), record("r1", 1)));
    List<PendingRecord> dropped = new ArrayList<>();

    List<PendingRecord> batch = PutRecordsBatches.next(retries, buffer, 500, PutRecordsBatches.MAX_BYTES, dropped);

    assertThat(batch).extracting(PendingRecord::partitionKey).containsExactly("r1", "k0", "k2");
    assertThat(dropped).extracting(PendingRecord::partitionKey).containsExactly("r0", "k1");
    assertThat(buffer.waiting()).isZero();
  }

  @Test
  void anAnswer_splitsTheBatchIntoStoredAndFailed_inOrder() {
    List<PendingRecord> batch = List.of(record("a", 1), record("b", 1), record("c", 1));
    PutRecordsResponse response = PutRecordsResponse.builder()
        .failedRecordCount(1)
        .records(
            PutRecordsResultEntry.builder().sequenceNumber("1").shardId("s").build(),
            PutRecordsResultEntry.builder().errorCode("InternalFailure").errorMessage("oops").build(),
            PutRecordsResultEntry.builder().sequenceNumber("2").shardId("s").build())
        .build();

    PutRecordsBatches.Answer answer = PutRecordsBatches.split(batch, response);

    assertThat(answer.stored()).extracting(PendingRecord::partitionKey).containsExactly("a", "c");
    assertThat(answer.failed()).extracting(PendingRecord::partitionKey).containsExactly("b");
  }

  @Test
  void onlyTheEntriesWithAnErrorCode_areFailed() {
    List<PendingRecord> batch = List.of(record("a", 1), record("b", 1), record("c", 1), record("d", 1));
    PutRecordsResponse response = PutRecordsResponse.builder()
        .failedRecordCount(2)
        .records(
            PutRecordsResultEntry.builder().sequenceNumber("1").shardId("s").build(),
            PutRecordsResultEntry.builder().errorCode("ProvisionedThroughputExceededException")
                .errorMessage("slow down").build(),
            PutRecordsResultEntry.builder().sequenceNumber("2").shardId("s").build(),
            PutRecordsResultEntry.builder().errorCode("InternalFailure").errorMessage("oops").build())
        .build();

    assertThat(PutRecordsBatches.failed(batch, response)).extracting(PendingRecord::partitionKey)
        .containsExactly("b", "d");
  }

  @Test
  void aResponseWithoutFailures_failsNothing() {
    List<PendingRecord> batch = List.of(record("a", 1));
    PutRecordsResponse response = PutRecordsResponse.builder().failedRecordCount(0)
        .records(PutRecordsResultEntry.builder().sequenceNumber("1").shardId("s").build()).build();

    assertThat(PutRecordsBatches.failed(batch, response)).isEmpty();
  }

  @Test
  void theRequest_usesTheMessageIdAsPartitionKey_inBatchOrder() {
    var request = PutRecordsBatches.request("s", List.of(record("m1", 3), record("m2", 4)));

    assertThat(request.streamName()).isEqualTo("s");
    assertThat(request.records()).extracting(e -> e.partitionKey()).containsExactly("m1", "m2");
    assertThat(request.records().get(1).data().asByteArray()).hasSize(4);
  }
}
