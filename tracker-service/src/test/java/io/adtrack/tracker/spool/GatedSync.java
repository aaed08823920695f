package io.adtrack.tracker.spool;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** An fsync the test watches and holds: each force waits for a {@link #release} before it runs. */
final class GatedSync implements FileSync {

  private final AtomicInteger calls = new AtomicInteger();
  private final Semaphore permits = new Semaphore(0);

  @Override
  public void force(FileChannel channel) throws IOException {
    calls.incrementAndGet();
    try {
      // Bounded, so a failed test cannot leave the writer stuck here for ever.
      permits.tryAcquire(SpoolTesting.PATIENCE.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    channel.force(false);
  }

  /** Lets one waiting (or the next) force run. */
  void release() {
    permits.release();
  }

  /** Lets every force from now on run at once. */
  void openForGood() {
    permits.release(Integer.MAX_VALUE / 2);
  }

  int forceCalls() {
    return calls.get();
  }

  void awaitForceCalls(int count) {
    await().atMost(SpoolTesting.PATIENCE).until(() -> calls.get() >= count);
  }
}
