package io.adtrack.updater;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import io.adtrack.updater.coredata.InvalidProgramException;
import io.adtrack.updater.coredata.ProgramDocument;
import io.adtrack.updater.coredata.ProgramValidator;
import io.adtrack.updater.redis.ProgramStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Applies a batch of core-data records to Redis, in order. Invalid documents are logged and skipped (retrying them
 * cannot help); stale versions are no-ops; a Redis error stops the batch and reports that record and every later
 * one, so Lambda resumes from the failed record and per-program order is kept.
 */
public final class CoreDataUpdater {

  private static final Logger LOG = LoggerFactory.getLogger(CoreDataUpdater.class);

  private final ProgramValidator validator;
  private final ProgramStore store;
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong stale = new AtomicLong();
  private final AtomicLong invalid = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  public CoreDataUpdater(ProgramValidator validator, ProgramStore store) {
    this.validator = validator;
    this.store = store;
  }

  /** Processes the records in order; see the class comment for what each outcome means. */
  public BatchResult process(List<KinesisEventRecord> records) {
    int batchApplied = 0;
    int batchStale = 0;
    int batchInvalid = 0;
    for (int i = 0; i < records.size(); i++) {
      KinesisEventRecord record = records.get(i);
      String sequenceNumber = record.getKinesis().getSequenceNumber();
      ProgramDocument document;
      try {
        document = validator.parse(bytes(record.getKinesis().getData()));
      } catch (InvalidProgramException e) {
        batchInvalid++;
        LOG.warn("Skipping invalid core-data record {} (partition key {}): {}", sequenceNumber,
            record.getKinesis().getPartitionKey(), e.getMessage());
        continue;
      }
      try {
        if (applyWithOneRetry(document) == ProgramStore.Outcome.APPLIED) {
          batchApplied++;
        } else {
          batchStale++;
          LOG.debug("Stale core-data record {}: {} version {} not newer than stored", sequenceNumber,
              document.programId(), document.version());
        }
      } catch (JedisException e) {
        List<String> failures = new ArrayList<>(records.size() - i);
        for (KinesisEventRecord rest : records.subList(i, records.size())) {
          failures.add(rest.getKinesis().getSequenceNumber());
        }
        LOG.error("Redis failed on core-data record {} ({} version {}); reporting it and the {} after it",
            sequenceNumber, document.programId(), document.version(), failures.size() - 1, e);
        return count(new BatchResult(batchApplied, batchStale, batchInvalid, failures));
      }
    }
    return count(new BatchResult(batchApplied, batchStale, batchInvalid, List.of()));
  }

  /** Totals since this instance was built (one Lambda execution environment). */
  public Totals totals() {
    return new Totals(applied.get(), stale.get(), invalid.get(), failed.get());
  }

  private ProgramStore.Outcome applyWithOneRetry(ProgramDocument document) {
    try {
      return store.apply(document);
    } catch (JedisConnectionException e) {
      // A pooled connection can die while the Lambda sandbox is frozen or after a failover; Jedis drops it, and
      // one retry on a fresh connection tells that apart from an outage. Safe: a change already applied by the
      // first attempt comes back stale, and is not published twice.
      LOG.warn("Redis connection failed for {} version {}, retrying once: {}", document.programId(),
          document.version(), e.getMessage());
      return store.apply(document);
    }
  }

  private BatchResult count(BatchResult result) {
    applied.addAndGet(result.applied());
    stale.addAndGet(result.stale());
    invalid.addAndGet(result.invalid());
    failed.addAndGet(result.failedSequenceNumbers().size());
    LOG.debug("Core-data batch: {}", result);
    return result;
  }

  private static byte[] bytes(ByteBuffer data) {
    if (data == null) {
      return new byte[0];
    }
    // duplicate(): reading must not move the event's buffer (a rerun or a log may read it again).
    ByteBuffer view = data.duplicate();
    byte[] bytes = new byte[view.remaining()];
    view.get(bytes);
    return bytes;
  }

  /**
   * What happened to one batch.
   *
   * @param applied changes stored and published
   * @param stale changes whose version was not newer than the stored one
   * @param invalid records skipped because the document broke the schema
   * @param failedSequenceNumbers the record Redis failed on and every record after it, in batch order
   */
  public record BatchResult(int applied, int stale, int invalid, List<String> failedSequenceNumbers) {

    public BatchResult {
      failedSequenceNumbers = List.copyOf(failedSequenceNumbers);
    }
  }

  /** Running totals of one updater instance. */
  public record Totals(long applied, long stale, long invalid, long failed) {
  }
}
