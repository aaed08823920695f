package io.adtrack.bench.spool;

import io.adtrack.tracker.spool.AppendResult;
import io.adtrack.tracker.spool.Spool;
import io.adtrack.tracker.spool.SpoolOptions;
import io.adtrack.tracker.spool.SpoolRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/** The tracker's own spool ({@link Spool}), as the sink will use it: asynchronous appends, a bounded read-ahead. */
final class SegmentLogCandidate implements Candidate {

  private final Spool spool;
  private final AtomicLong refused = new AtomicLong();
  private long handedOut;

  /** Bounded at 1 GiB, as a tracker might be: 16 MiB segments. */
  SegmentLogCandidate(Path dir, long fsyncMillis) {
    this.spool = Spool.open(SpoolOptions.of(dir, 1L << 30, Duration.ofMillis(fsyncMillis)));
  }

  @Override
  public void append(String id, byte[] data, Runnable done) {
    spool.append(id, data).onComplete(result -> {
      if (result.result() != AppendResult.APPENDED) {
        refused.incrementAndGet();
      }
      done.run();
    });
  }

  /** As an event loop with a few dozen connections would have (the load generator drives 64 over 2-4 loops). */
  @Override
  public int inFlightPerThread() {
    return 32;
  }

  @Override
  public List<Rec> read(int max) {
    // The read-ahead fills on its own thread: wait for it while records remain that were not handed out.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      List<SpoolRecord> batch = spool.poll(max, 5L << 20);
      if (!batch.isEmpty()) {
        handedOut += batch.size();
        List<Rec> records = new ArrayList<>(batch.size());
        batch.forEach(r -> records.add(new Rec(r.messageId(), r.data(), r)));
        return records;
      }
      if (spool.records() <= handedOut || System.nanoTime() > deadline) {
        return List.of();
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  @Override
  public void acknowledge(List<Rec> records) {
    records.forEach(r -> spool.confirm((SpoolRecord) r.handle()));
    handedOut -= records.size();
  }

  @Override
  public long skipped() {
    return spool.skippedRecords();
  }

  long refused() {
    return refused.get();
  }

  @Override
  public void close() throws Exception {
    spool.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
