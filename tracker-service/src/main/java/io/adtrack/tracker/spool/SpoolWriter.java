package io.adtrack.tracker.spool;

import io.adtrack.tracker.support.LogThrottle;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the spool: appends from any thread queue up here, and whoever writes takes everything queued (up to one
 * write buffer), frames it, and writes it with one positional write at the end of the active segment, so the cost
 * of a system call is shared by every record that arrived meanwhile. Two kinds of thread write, one at a time (the
 * write lock guards all writing state):
 * <ul>
 *   <li>An event loop, at the end of its turn, writes what its requests (and anyone else) queued, when it can take
 *   the lock without waiting and fsync is off. The write only copies into the kernel's page cache, as Redis' AOF
 *   does from its event loop, and the answers go out in the same turn: no other thread has to be scheduled between
 *   a request and its answer, which is what the spool cost on a busy machine (see docs/performance.md). Should such
 *   a write take longer than {@link #SLOW_LOOP_WRITE_NANOS} (the kernel throttling writers on a slow disk), the
 *   loops hand their appends to the writer thread for the next {@link #HAND_OVER_NANOS}, so a slow disk stalls a
 *   loop once, not every turn.</li>
 *   <li>The writer thread takes the rest: appends when the lock was taken, every append when fsync is on (the answer
 *   waits for the fsync anyway), appends from callers off the event loops; and it alone syncs, probes a failed
 *   disk, closes idle segments and shuts down.</li>
 * </ul>
 * <ul>
 *   <li>Without fsync, a batch is answered as soon as its write returned: the bytes are in the OS and survive the
 *   process. With fsync, written batches wait for the next fsync (at most one per interval) and are answered after
 *   it, together (group commit).</li>
 *   <li>A failed write is cut back off the file (truncate to the end of the last frame written whole), so no torn
 *   frame remains to be read; the frames written whole are answered APPENDED, the rest of the batch UNAVAILABLE.
 *   Later appends are tried again, each batch a probe; an idle spool
 *   probes by itself (a block written past the end and cut off again), so it turns healthy when space returns even
 *   if readiness keeps traffic away meanwhile.</li>
 *   <li>Sequence numbers are contiguous within a segment: a batch that failed and was cut off gives its numbers back.
 *   </li>
 * </ul>
 */
final class SpoolWriter implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(SpoolWriter.class);
  private static final int MIN_BUFFER_BYTES = 1 << 20;
  private static final int PROBE_BYTES = 4096;
  /** Longest timed park, so that a test's clock is seen to move without waking an idle writer for nothing. */
  private static final long MAX_TIMED_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  /** How long without appends before a fully confirmed active segment is closed, so that it can be deleted. */
  static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
  /**
   * A write on an event loop that took longer than this means the disk holds writers back (the kernel's dirty-page
   * throttling pauses a writer for 10 to 200 ms). Well above a preempted loop's few milliseconds on a busy machine,
   * which are no reason to hand over.
   */
  static final long SLOW_LOOP_WRITE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  /** How long the event loops leave writing to the writer thread after a slow write. */
  static final long HAND_OVER_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final SpoolOptions options;
  private final Path directory;
  private final SpoolTime time;
  private final FileSync fileSync;
  private final ConcurrentSkipListMap<Long, Segment> segments;
  private final SpoolCounters counters;
  private final Runnable onReadable;
  private final Runnable onFinished;
  private final ConcurrentLinkedQueue<PendingAppend> queue = new ConcurrentLinkedQueue<>();
  private final AtomicLong pendingBytes = new AtomicLong();
  private final ByteBuffer buffer;
  private final CRC32C crc = new CRC32C();
  private final long syncIntervalNanos;
  private final long probeIntervalNanos;
  private final LogThrottle failureLog = new LogThrottle(Duration.ofSeconds(10));
  private final LogThrottle slowWriteLog = new LogThrottle(Duration.ofSeconds(60));
  private final ThreadLocal<TurnEnd> turnEnds = ThreadLocal.withInitial(TurnEnd::new);
  private final ReentrantLock writeLock = new ReentrantLock();

  private volatile Thread thread;
  private volatile boolean parked;
  private volatile boolean stopping;
  private volatile boolean finished;
  private volatile String unavailableReason;
  private volatile Segment retireCandidate;
  private volatile long retireEnd;
  /** Until when the event loops hand their appends to the writer thread (after a slow write on a loop). */
  private volatile long handOverUntilNanos;
  private volatile boolean handingOver;

  // Guarded by the write lock.
  private Segment active;
  private long nextSequence;
  private List<PendingAppend> awaitingSync = new ArrayList<>();
  private final Set<Segment> unsynced = new LinkedHashSet<>();
  private boolean directoryUnsynced;
  private long nextSyncAtNanos;
  private long nextProbeAtNanos;
  private boolean wroteSinceProbe;
  private long failedWrites;
  private long lastWriteAtNanos;
  private long batchesOnLoops;
  private long batchesOnWriter;

  /**
   * @param onReadable told (on whichever thread wrote) when more of a segment became readable or one was sealed
   * @param onFinished told once the writer has answered everything and stopped
   */
  SpoolWriter(SpoolOptions options, SpoolTime time, FileSync fileSync, ConcurrentSkipListMap<Long, Segment> segments,
      SpoolCounters counters, long nextSequence, Runnable onReadable, Runnable onFinished) {
    this.options = options;
    this.directory = options.directory();
    this.time = time;
    this.fileSync = fileSync;
    this.segments = segments;
    this.counters = counters;
    this.nextSequence = nextSequence;
    this.onReadable = onReadable;
    this.onFinished = onFinished;
    this.buffer = ByteBuffer.allocateDirect(
        Math.max(MIN_BUFFER_BYTES, Frame.size(Frame.MAX_ID_BYTES, options.maxRecordBytes())));
    this.syncIntervalNanos = options.fsyncInterval().toNanos();
    this.probeIntervalNanos = options.probeInterval().toNanos();
    this.nextSyncAtNanos = time.nanoTime();
  }

  void start(Thread writerThread) {
    this.thread = writerThread;
    writerThread.start();
  }

  /**
   * Queues an append (any thread). False when the appends already waiting hold {@code maxPendingBytes}: the disk is
   * not keeping up, and the caller should answer FULL rather than let the heap grow.
   */
  boolean offer(PendingAppend append) {
    if (pendingBytes.addAndGet(append.frameBytes) > options.maxPendingBytes()) {
      pendingBytes.addAndGet(-append.frameBytes);
      return false;
    }
    queue.offer(append);
    if (finished) {
      // Raced with close: the writer's last sweep may have missed this one, so whoever removes it answers it.
      if (queue.remove(append)) {
        pendingBytes.addAndGet(-append.frameBytes);
        PendingAppend.completeAll(List.of(append), AppendResult.CLOSED);
      }
    } else if (parked) {
      wake(append.eventLoop);
    }
    return true;
  }

  /**
   * Gets the append written. From an event loop, at the end of the loop's turn rather than at once: the appends of
   * every request the turn handles then go in one batch, written by the loop itself or by one wake-up of the writer
   * (see {@link TurnEnd}). From elsewhere, wakes the parked writer. The writer checks the queue after it marked itself
   * parked and before it parks, so a wake-up that comes later than the append is never lost.
   */
  private void wake(EventLoop callerLoop) {
    if (callerLoop != null && callerLoop.inEventLoop()) {
      TurnEnd turnEnd = turnEnds.get();
      if (turnEnd.due) {
        return;
      }
      try {
        callerLoop.execute(turnEnd);
        turnEnd.due = true;
        return;
      } catch (RejectedExecutionException e) {
        // The loop is shutting down: wake the writer now instead.
      }
    }
    wakeUnconditionally();
  }

  /** The task that writes (or wakes the writer) at the end of an event loop's turn; one per loop thread. */
  private final class TurnEnd implements Runnable {
    /** Loop thread only. */
    private boolean due;

    @Override
    public void run() {
      due = false;
      if (!mayWriteOnLoop() || !writeLock.tryLock()) {
        unparkIfParked();
        return;
      }
      try {
        if (!stopping) {
          writeOnLoop();
        }
      } catch (RuntimeException e) {
        LOG.error("A spool write on an event loop failed; its appends were answered UNAVAILABLE", e);
      } finally {
        writeLock.unlock();
      }
      if (!queue.isEmpty()) {
        unparkIfParked();
      }
    }
  }

  private boolean mayWriteOnLoop() {
    if (options.syncs() || stopping || finished) {
      return false;
    }
    if (handingOver) {
      if (time.nanoTime() - handOverUntilNanos < 0) {
        return false;
      }
      handingOver = false;
    }
    return true;
  }

  /** Under the write lock, on an event loop: writes what is queued, and notes when that took too long. */
  private void writeOnLoop() {
    long start = time.nanoTime();
    int batches = writeQueued();
    batchesOnLoops += batches;
    long took = time.nanoTime() - start;
    if (batches > 0 && took > SLOW_LOOP_WRITE_NANOS) {
      handOverUntilNanos = start + took + HAND_OVER_NANOS;
      handingOver = true;
      if (slowWriteLog.tryAcquire()) {
        LOG.warn("A spool write on an event loop took {} ms (the disk holds writers back); the spool's writer thread"
            + " writes for the next {} ms", TimeUnit.NANOSECONDS.toMillis(took),
            TimeUnit.NANOSECONDS.toMillis(HAND_OVER_NANOS));
      }
    }
  }

  private void unparkIfParked() {
    Thread writerThread = thread;
    if (parked && writerThread != null) {
      LockSupport.unpark(writerThread);
    }
  }

  /**
   * The reader found every record of the active segment, up to {@code end}, confirmed: if nothing was appended
   * since and the spool has been idle a while, close the segment so that it can be deleted (a new one is begun with
   * the next append). Any thread.
   */
  void retireIfIdle(Segment segment, long end) {
    retireEnd = end;
    retireCandidate = segment;
    unparkIfParked();
  }

  /** How many batches were written so far, and by which kind of thread. */
  record Batches(long onEventLoops, long byWriterThread) {
  }

  Batches batchesWritten() {
    writeLock.lock();
    try {
      return new Batches(batchesOnLoops, batchesOnWriter);
    } finally {
      writeLock.unlock();
    }
  }

  /** Why the last write failed, while no write has succeeded since; null when writing works. */
  String unavailableReason() {
    return unavailableReason;
  }

  /** Writes what is queued, syncs and seals, answers everything, then stops (see {@code onFinished}). */
  void stop() {
    stopping = true;
    wakeUnconditionally();
  }

  /** Wakes the writer, or makes its next park return at once (a permit), whether or not it sleeps now. */
  private void wakeUnconditionally() {
    Thread writerThread = thread;
    if (writerThread != null) {
      LockSupport.unpark(writerThread);
    }
  }

  @Override
  public void run() {
    AppendResult leftOver = AppendResult.CLOSED;
    try {
      loop();
    } catch (RuntimeException | Error e) {
      // A bug. Answer everything rather than leave callers waiting forever, and say so in the health.
      LOG.error("The spool writer stopped", e);
      unavailableReason = "the spool writer stopped: " + e;
      leftOver = AppendResult.UNAVAILABLE;
      PendingAppend.completeAll(awaitingSync, AppendResult.UNAVAILABLE);
    } finally {
      finished = true;
      List<PendingAppend> late = new ArrayList<>();
      for (PendingAppend append; (append = queue.poll()) != null; ) {
        pendingBytes.addAndGet(-append.frameBytes);
        counters.usedBytes.addAndGet(-append.frameBytes);
        late.add(append);
      }
      PendingAppend.completeAll(late, leftOver);
      onFinished.run();
    }
  }

  private void loop() {
    while (true) {
      long timeout;
      writeLock.lock();
      try {
        int wrote = writeQueued();
        batchesOnWriter += wrote;
        long now = time.nanoTime();
        if (options.syncs() && !awaitingSync.isEmpty() && now - nextSyncAtNanos >= 0) {
          sync(now);
        }
        if (unavailableReason != null && now - nextProbeAtNanos >= 0) {
          probe(now);
        }
        retireIfStillIdle(now);
        if (wrote > 0 || !queue.isEmpty()) {
          continue;
        }
        if (stopping) {
          shutDown();
          return;
        }
        timeout = parkNanos(now);
      } finally {
        writeLock.unlock();
      }
      park(timeout);
    }
  }

  /** Writes everything queued, a buffer at a time; returns how many batches that took. */
  private int writeQueued() {
    int batches = 0;
    for (List<PendingAppend> batch; !(batch = takeBatch()).isEmpty(); batches++) {
      try {
        write(batch);
      } catch (RuntimeException | Error e) {
        // A bug: answer the batch rather than leave its callers waiting, and let the caller report it.
        PendingAppend.completeAll(batch, AppendResult.UNAVAILABLE);
        throw e;
      }
    }
    return batches;
  }

  private List<PendingAppend> takeBatch() {
    if (queue.peek() == null) {
      return List.of();
    }
    List<PendingAppend> batch = new ArrayList<>();
    int bytes = 0;
    for (PendingAppend next; (next = queue.peek()) != null; ) {
      if (!batch.isEmpty() && bytes + next.frameBytes > buffer.capacity()) {
        break;
      }
      queue.poll();
      batch.add(next);
      bytes += next.frameBytes;
    }
    pendingBytes.addAndGet(-bytes);
    return batch;
  }

  private void write(List<PendingAppend> batch) {
    wroteSinceProbe = true;
    int bytes = 0;
    for (PendingAppend append : batch) {
      bytes += append.frameBytes;
    }
    try {
      prepareSegment(bytes);
    } catch (IOException e) {
      failed(batch, bytes, "cannot create a spool segment in " + directory, e);
      return;
    }
    Segment segment = active;
    long start = segment.writtenEnd;
    long firstSequence = nextSequence;
    long appendedAt = time.currentTimeMillis();
    buffer.clear();
    for (PendingAppend append : batch) {
      append.sequence = nextSequence++;
      Frame.encode(buffer, append.sequence, appendedAt, append.messageId, append.data, crc);
    }
    buffer.flip();
    long written = start;
    IOException failure = null;
    try {
      while (buffer.hasRemaining()) {
        written += segment.writeChannel.write(buffer, written);
      }
    } catch (IOException e) {
      failure = e;
    }
    List<PendingAppend> kept = batch;
    long keptEnd = start + bytes;
    if (failure != null) {
      // A write cut short (the disk filled up in the middle): the frames written whole are kept and answered, the
      // torn one and the rest are cut off the file and answered UNAVAILABLE.
      int whole = 0;
      keptEnd = start;
      while (whole < batch.size() && keptEnd + batch.get(whole).frameBytes <= written) {
        keptEnd += batch.get(whole).frameBytes;
        whole++;
      }
      kept = batch.subList(0, whole);
      if (cutBack(segment, keptEnd)) {
        nextSequence = firstSequence + whole;
      }
      failed(batch.subList(whole, batch.size()), bytes - (int) (keptEnd - start),
          "cannot write to spool segment " + segment.path, failure);
    }
    if (!kept.isEmpty()) {
      committed(segment, kept, keptEnd, failure == null);
    }
  }

  /** Whole frames of {@code appends} are written up to {@code end}: answer them now, or after the next fsync. */
  private void committed(Segment segment, List<PendingAppend> appends, long end, boolean wholeBatch) {
    segment.accountedBytes += end - segment.writtenEnd;
    segment.writtenEnd = end;
    lastWriteAtNanos = time.nanoTime();
    if (wholeBatch) {
      writable();
    }
    if (options.syncs()) {
      awaitingSync.addAll(appends);
      unsynced.add(segment);
    } else {
      // Counted before the reader may see them, so a quick confirmation never takes the counts below zero.
      countUnconfirmed(appends);
      segment.readableEnd = end;
      PendingAppend.completeAll(appends, AppendResult.APPENDED);
      onReadable.run();
    }
  }

  private void countUnconfirmed(List<PendingAppend> appends) {
    long recordBytes = 0;
    for (PendingAppend append : appends) {
      recordBytes += append.messageId.length + append.data.length;
    }
    counters.unconfirmedRecordBytes.addAndGet(recordBytes);
    counters.unconfirmedRecords.addAndGet(appends.size());
  }

  /** Makes {@link #active} a segment the batch may go to: a new one when there is none or it would grow too big. */
  private void prepareSegment(int batchBytes) throws IOException {
    if (active != null && !active.broken
        && (active.writtenEnd == 0 || active.writtenEnd + batchBytes <= options.segmentBytes())) {
      return;
    }
    Segment next = Segment.create(directory, nextSequence);
    segments.put(next.firstSequence, next);
    directoryUnsynced = true;
    Segment previous = active;
    active = next;
    if (previous != null && !unsynced.contains(previous)) {
      seal(previous);
    }
  }

  private void retireIfStillIdle(long now) {
    Segment candidate = retireCandidate;
    if (candidate == null) {
      return;
    }
    retireCandidate = null;
    if (candidate == active && active.writtenEnd == retireEnd && active.readableEnd == retireEnd
        && !unsynced.contains(active) && now - lastWriteAtNanos >= IDLE_NANOS) {
      LOG.debug("Closing idle, fully confirmed spool segment {}", active.path);
      seal(active);
      active = null;
    }
  }

  /** Cuts a failed write off the segment; false (and the segment is given up) when even that fails. */
  private boolean cutBack(Segment segment, long end) {
    try {
      segment.writeChannel.truncate(end);
      return true;
    } catch (IOException e) {
      segment.broken = true;
      LOG.error("Cannot cut spool segment {} back to {} bytes after a failed write; nothing more is written there,"
          + " and what lies past that point will be skipped as torn at the next start", segment.path, end, e);
      return false;
    }
  }

  private void failed(List<PendingAppend> batch, int bytes, String what, IOException e) {
    counters.usedBytes.addAndGet(-bytes);
    unavailable(what + ": " + Spool.describe(e), e);
    PendingAppend.completeAll(batch, AppendResult.UNAVAILABLE);
  }

  private void unavailable(String reason, IOException e) {
    failedWrites++;
    boolean first = unavailableReason == null;
    if (first) {
      LOG.warn("Spool unavailable, appends are answered UNAVAILABLE until a write succeeds: {}", reason, e);
      nextProbeAtNanos = time.nanoTime() + probeIntervalNanos;
    } else if (failureLog.tryAcquire()) {
      LOG.warn("Spool still unavailable ({} failed writes so far): {}", failedWrites, reason);
    }
    unavailableReason = reason;
    if (first) {
      // When this failed on an event loop, the writer may sleep with no probe due: it must wake to probe.
      wakeUnconditionally();
    }
  }

  private void writable() {
    if (unavailableReason != null) {
      LOG.info("Spool writable again after {} failed writes", failedWrites);
      unavailableReason = null;
      failedWrites = 0;
    }
  }

  /** While unavailable and idle: is there room again? Writes a block past the end and cuts it off again. */
  private void probe(long now) {
    nextProbeAtNanos = now + probeIntervalNanos;
    if (wroteSinceProbe) {
      wroteSinceProbe = false;
      return;
    }
    try {
      prepareSegment(0);
      Segment segment = active;
      ByteBuffer zeros = ByteBuffer.allocate(PROBE_BYTES);
      long at = segment.writtenEnd;
      try {
        while (zeros.hasRemaining()) {
          at += segment.writeChannel.write(zeros, at);
        }
      } finally {
        cutBack(segment, segment.writtenEnd);
      }
      writable();
    } catch (IOException e) {
      unavailable("cannot write to the spool in " + directory + ": " + Spool.describe(e), e);
    }
  }

  private void sync(long now) {
    try {
      for (Segment segment : unsynced) {
        fileSync.force(segment.writeChannel);
      }
      if (directoryUnsynced) {
        // A new segment's name must reach the disk too, or its synced bytes could be unreachable after a crash.
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
          dir.force(true);
        }
        directoryUnsynced = false;
      }
    } catch (IOException e) {
      syncFailed(e);
      return;
    }
    nextSyncAtNanos = now + syncIntervalNanos;
    countUnconfirmed(awaitingSync);
    for (Segment segment : unsynced) {
      segment.readableEnd = segment.writtenEnd;
      if (segment != active) {
        seal(segment);
      }
    }
    unsynced.clear();
    PendingAppend.completeAll(awaitingSync, AppendResult.APPENDED);
    awaitingSync = new ArrayList<>();
    onReadable.run();
  }

  /**
   * After a failed fsync nothing written since the last good one can be trusted to be on the device: those records
   * are answered UNAVAILABLE and cut off, and the segments are given up (new records go to a new segment; the
   * sequence numbers of the dropped ones are not reused, so a segment never holds two records with one number).
   */
  private void syncFailed(IOException e) {
    LOG.error("fsync of the spool failed: the {} records written since the last fsync are answered UNAVAILABLE",
        awaitingSync.size(), e);
    for (Segment segment : unsynced) {
      long dropped = segment.writtenEnd - segment.readableEnd;
      if (cutBack(segment, segment.readableEnd)) {
        segment.writtenEnd = segment.readableEnd;
        segment.accountedBytes -= dropped;
        counters.usedBytes.addAndGet(-dropped);
      }
      if (segment == active) {
        active = null;
      }
      seal(segment);
    }
    unsynced.clear();
    unavailable("fsync failed in " + directory + ": " + Spool.describe(e), e);
    PendingAppend.completeAll(awaitingSync, AppendResult.UNAVAILABLE);
    awaitingSync = new ArrayList<>();
    onReadable.run();
  }

  /** A planned stop: what was written is forced to the device once, whatever the fsync setting, then sealed. */
  private void shutDown() {
    LOG.debug("Spool writer closing: {} batches were written on event loops, {} by the writer thread", batchesOnLoops,
        batchesOnWriter);
    if (options.syncs() && !awaitingSync.isEmpty()) {
      sync(time.nanoTime());
    }
    if (active != null) {
      if (active.writeChannel != null && !active.broken) {
        try {
          fileSync.force(active.writeChannel);
        } catch (IOException e) {
          LOG.warn("Cannot force spool segment {} to the device at close", active.path, e);
        }
      }
      seal(active);
      active = null;
    }
    onReadable.run();
  }

  private void seal(Segment segment) {
    try {
      segment.seal();
    } catch (IOException e) {
      LOG.warn("Cannot close spool segment {} (its data is written; closing failed)", segment.path, e);
    }
    onReadable.run();
  }

  /** How long the writer may sleep: until the next fsync or probe is due, or (MAX_VALUE) until woken. */
  private long parkNanos(long now) {
    long timeout = Long.MAX_VALUE;
    if (options.syncs() && !awaitingSync.isEmpty()) {
      timeout = nextSyncAtNanos - now;
    }
    if (unavailableReason != null) {
      timeout = Math.min(timeout, nextProbeAtNanos - now);
    }
    return timeout;
  }

  private void park(long timeout) {
    if (timeout <= 0) {
      return;
    }
    parked = true;
    try {
      if (!queue.isEmpty() || stopping) {
        return;
      }
      if (timeout == Long.MAX_VALUE) {
        LockSupport.park(this);
      } else {
        LockSupport.parkNanos(this, Math.min(timeout, MAX_TIMED_PARK_NANOS));
      }
    } finally {
      parked = false;
    }
  }
}
