package io.adtrack.tracker.kinesis;

import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/** The pure part of sending: cutting PutRecords batches within Kinesis' limits and reading which records failed. */
public final class PutRecordsBatches {

  /** Kinesis: at most 500 records in one PutRecords. */
  public static final int MAX_RECORDS = 500;
  /** Kinesis: at most 5 MiB (data plus partition keys) in one PutRecords. */
  public static final long MAX_BYTES = 5L << 20;

  private PutRecordsBatches() {
  }

  /** What Kinesis did with a batch: the records it stored and those it refused, each in batch order. */
  public record Answer(List<PendingRecord> stored, List<PendingRecord> failed) {
  }

  /**
   * Takes the next batch: records to retry first (they are older), then waiting ones, while the batch stays within
   * {@code maxRecords} and {@code maxBytes}. A record that does not fit stays where it was; an
   * {@link PendingRecord#abandoned() abandoned} one is taken out into {@code abandoned} instead of the batch.
   *
   * @param source where new records come from; null for a batch of records to retry only
   */
  public static List<PendingRecord> next(Deque<PendingRecord> retries, RecordSource source, int maxRecords,
      long maxBytes, List<PendingRecord> abandoned) {
    int waiting = source == null ? 0 : source.waiting();
    List<PendingRecord> batch = new ArrayList<>(Math.min(maxRecords, retries.size() + waiting));
    long bytes = 0;
    while (batch.size() < maxRecords) {
      boolean fromRetries = !retries.isEmpty();
      if (!fromRetries && source == null) {
        break;
      }
      PendingRecord candidate = fromRetries ? retries.peekFirst() : source.peek();
      if (candidate == null) {
        break;
      }
      if (candidate.abandoned()) {
        abandoned.add(fromRetries ? retries.pollFirst() : source.poll());
        continue;
      }
      if (bytes + candidate.size() > maxBytes) {
        break;
      }
      batch.add(fromRetries ? retries.pollFirst() : source.poll());
      bytes += candidate.size();
    }
    return batch;
  }

  /** The request for one batch, entries in batch order. */
  public static PutRecordsRequest request(String stream, List<PendingRecord> batch) {
    List<PutRecordsRequestEntry> entries = new ArrayList<>(batch.size());
    for (PendingRecord record : batch) {
      entries.add(PutRecordsRequestEntry.builder()
          .partitionKey(record.partitionKey())
          .data(SdkBytes.fromByteArrayUnsafe(record.data()))
          .build());
    }
    return PutRecordsRequest.builder().streamName(stream).records(entries).build();
  }

  /**
   * The records Kinesis did not store: result entries line up with request entries, and a failed one carries an
   * error code (e.g. ProvisionedThroughputExceededException) instead of a sequence number.
   */
  public static List<PendingRecord> failed(List<PendingRecord> batch, PutRecordsResponse response) {
    Integer failedCount = response.failedRecordCount();
    if (failedCount != null && failedCount == 0) {
      return List.of();
    }
    List<PutRecordsResultEntry> results = response.records();
    List<PendingRecord> failed = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      PutRecordsResultEntry result = i < results.size() ? results.get(i) : null;
      if (result == null || result.errorCode() != null || result.sequenceNumber() == null) {
        failed.add(batch.get(i));
      }
    }
    return failed;
  }

  /** The batch split by Kinesis' answer into the records it stored and those it refused. */
  public static Answer split(List<PendingRecord> batch, PutRecordsResponse response) {
    List<PendingRecord> failed = failed(batch, response);
    if (failed.isEmpty()) {
      return new Answer(batch, failed);
    }
    List<PendingRecord> stored = new ArrayList<>(batch.size() - failed.size());
    int nextFailed = 0;
    for (PendingRecord record : batch) {
      // failed is a subsequence of batch, in order: one pass, by identity.
      if (nextFailed < failed.size() && failed.get(nextFailed) == record) {
        nextFailed++;
      } else {
        stored.add(record);
      }
    }
    return new Answer(stored, failed);
  }

  /** Total size of some records, as Kinesis counts it. */
  public static long bytes(List<PendingRecord> records) {
    long total = 0;
    for (PendingRecord record : records) {
      total += record.size();
    }
    return total;
  }
}
