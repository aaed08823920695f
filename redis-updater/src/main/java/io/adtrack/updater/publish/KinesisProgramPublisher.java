package io.adtrack.updater.publish;

import io.adtrack.conventions.Backoff;
import io.adtrack.updater.coredata.ProgramDocument;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Puts program documents on the core-data stream with PutRecords (at most 500 records and 5 MiB a call), partition
 * key = programId so one program's changes land on one shard. Entries Kinesis rejects (throttling, internal errors)
 * are retried after a {@link Backoff}. Order across retries does not matter: the updater applies a version only when
 * it is newer than the stored one.
 *
 * @param kinesis     the client to publish with (not closed here)
 * @param stream      the core-data stream
 * @param maxAttempts PutRecords calls per document at most
 * @param backoff     the wait between rounds, by how many rounds failed so far
 */
public record KinesisProgramPublisher(KinesisClient kinesis, String stream, int maxAttempts, Backoff backoff) {

  private static final Logger LOG = LoggerFactory.getLogger(KinesisProgramPublisher.class);

  static final int MAX_RECORDS_PER_CALL = 500;
  static final int MAX_BYTES_PER_CALL = 5 * 1024 * 1024;

  /**
   * Sends every document; the summary lists the ones still failing after the last attempt. A request Kinesis
   * refuses outright (no such stream, access denied) throws; sending the file again is safe, stale versions are
   * ignored by the updater.
   */
  public Summary publish(List<ProgramDocument> documents) throws InterruptedException {
    int calls = 0;
    int retried = 0;
    List<String> unsent = new ArrayList<>();
    for (List<ProgramDocument> batch : batches(documents)) {
      List<ProgramDocument> pending = batch;
      for (int attempt = 1; !pending.isEmpty(); attempt++) {
        if (attempt > 1) {
          retried += pending.size();
          // Jittered, so several publishers throttled together do not retry in lockstep.
          Thread.sleep(backoff.delay(attempt - 1).toMillis());
        }
        calls++;
        List<ProgramDocument> failed = putOnce(pending, attempt);
        if (!failed.isEmpty() && attempt == maxAttempts) {
          failed.forEach(d -> unsent.add(d.programId() + " v" + d.version()));
          break;
        }
        pending = failed;
      }
    }
    return new Summary(documents.size() - unsent.size(), calls, retried, unsent);
  }

  /** One PutRecords call; returns the documents to send again. */
  private List<ProgramDocument> putOnce(List<ProgramDocument> pending, int attempt) {
    List<PutRecordsRequestEntry> entries = pending.stream()
        .map(d -> PutRecordsRequestEntry.builder()
            .partitionKey(d.programId())
            .data(SdkBytes.fromUtf8String(d.json()))
            .build())
        .toList();
    PutRecordsResponse response;
    try {
      response = kinesis.putRecords(b -> b.streamName(stream).records(entries));
    } catch (SdkException e) {
      if (e instanceof AwsServiceException service && !service.isThrottlingException()
          && service.statusCode() >= 400 && service.statusCode() < 500) {
        // No such stream, access denied, bad request: waiting will not fix it.
        throw e;
      }
      // The SDK has retried already; a few more rounds of our own backoff, then the entries count as unsent.
      LOG.warn("PutRecords of {} records failed (attempt {} of {}): {}", pending.size(), attempt, maxAttempts,
          e.getMessage());
      return pending;
    }
    if (response.failedRecordCount() == null || response.failedRecordCount() == 0) {
      return List.of();
    }
    List<ProgramDocument> failed = new ArrayList<>();
    List<PutRecordsResultEntry> results = response.records();
    for (int i = 0; i < results.size(); i++) {
      if (results.get(i).errorCode() != null) {
        failed.add(pending.get(i));
      }
    }
    LOG.warn("{} of {} records rejected (attempt {} of {}), first: {} {}", failed.size(), pending.size(), attempt,
        maxAttempts, firstError(results).errorCode(), firstError(results).errorMessage());
    return failed;
  }

  private static PutRecordsResultEntry firstError(List<PutRecordsResultEntry> results) {
    return results.stream().filter(r -> r.errorCode() != null).findFirst().orElseThrow();
  }

  /** Splits into calls of at most 500 records and 5 MiB. */
  static List<List<ProgramDocument>> batches(List<ProgramDocument> documents) {
    List<List<ProgramDocument>> batches = new ArrayList<>();
    List<ProgramDocument> current = new ArrayList<>();
    long bytes = 0;
    for (ProgramDocument document : documents) {
      long size = recordBytes(document);
      if (!current.isEmpty() && (current.size() == MAX_RECORDS_PER_CALL || bytes + size > MAX_BYTES_PER_CALL)) {
        batches.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(document);
      bytes += size;
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }

  /** What Kinesis counts against its record and request limits: data plus partition key. */
  static int recordBytes(ProgramDocument document) {
    return document.json().getBytes(StandardCharsets.UTF_8).length
        + document.programId().getBytes(StandardCharsets.UTF_8).length;
  }

  /**
   * Outcome of one publish.
   *
   * @param sent documents Kinesis accepted
   * @param calls PutRecords calls made
   * @param retried entries sent again after a rejection
   * @param unsent "programId vVersion" of every document still rejected after the last attempt
   */
  public record Summary(int sent, int calls, int retried, List<String> unsent) {

    public Summary {
      unsent = List.copyOf(unsent);
    }
  }
}
