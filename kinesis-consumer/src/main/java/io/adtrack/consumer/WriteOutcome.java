package io.adtrack.consumer;

import java.util.List;

/**
 * What one invocation achieved. Every record is counted exactly once:
 * {@code records == recordsWritten + failedSequenceNumbers.size() + poison}.
 *
 * @param records               records in the batch
 * @param recordsWritten        records whose item is now stored (duplicates of one messageId each count)
 * @param itemsWritten          distinct items written
 * @param poison                records skipped because they cannot be stored (not a TrackingEvent, no key, ...)
 * @param failedSequenceNumbers records whose item could not be written in time: the batch item failures
 */
public record WriteOutcome(
    int records,
    int recordsWritten,
    int itemsWritten,
    int poison,
    List<String> failedSequenceNumbers) {

  public WriteOutcome {
    failedSequenceNumbers = List.copyOf(failedSequenceNumbers);
  }

  public int failed() {
    return failedSequenceNumbers.size();
  }
}
