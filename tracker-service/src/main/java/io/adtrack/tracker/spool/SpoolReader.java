package io.adtrack.tracker.spool;

import io.adtrack.tracker.support.LogThrottle;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read side. One thread reads the segments in order into a bounded window (the read-ahead) that the sender
 * takes batches from without touching the disk ({@link #poll}); the rest of a backlog stays in the files. The same
 * thread deletes each segment once every record read from it has been confirmed (in whatever order the
 * confirmations come), and saves the confirmation watermark (the lowest sequence not yet confirmed) about once a
 * checkpoint interval.
 * <p>
 * Window, records handed out and per-segment counts are guarded by {@link #lock}; {@link #poll} and
 * {@link #confirm} may be called from any thread.
 */
final class SpoolReader implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(SpoolReader.class);
  private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final long READ_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  /** An idle active segment smaller than this is left alone: not worth a new file. */
  private static final long RETIRE_MIN_BYTES = 64 * 1024;

  /** Asks the writer to close a drained active segment (see {@link SpoolWriter#retireIfIdle}). */
  @FunctionalInterface
  interface RetireRequest {
    void retireIfIdle(Segment segment, long end);
  }

  private final SpoolOptions options;
  private final SpoolTime time;
  private final ConcurrentSkipListMap<Long, Segment> segments;
  private final SpoolCounters counters;
  private final long startWatermark;
  private final RetireRequest retire;
  private final Runnable onFinished;
  private final LogThrottle failureLog = new LogThrottle(Duration.ofSeconds(10));

  private final Object lock = new Object();
  private final ArrayDeque<SpoolRecord> window = new ArrayDeque<>();
  private long windowBytes;
  /** Records handed out and not confirmed yet: sequence to append time. */
  private final TreeMap<Long, Long> handedOut = new TreeMap<>();
  private long lastHandedOut;

  private volatile Runnable listener = () -> { };
  private volatile Thread thread;
  private volatile boolean stopping;
  /** Parked for want of data: only then does the writer's news wake it (see {@link #dataReadable}). */
  private volatile boolean waitingForData;
  /** Parked for want of room in the window: only then does a poll wake it. */
  private volatile boolean waitingForRoom;

  // Reader thread only.
  private Segment current;
  private FrameScanner scanner;
  /** The last read failed: wait before trying again rather than spin on it. */
  private boolean readFailed;
  private long savedWatermark;
  private long nextCheckpointAtNanos;

  /**
   * @param startWatermark records below it were confirmed before the spool was opened: read past, not handed out
   * @param retire         asked to close the active segment once all of it is confirmed
   * @param onFinished     told once the reader has stopped (after its last checkpoint)
   */
  SpoolReader(SpoolOptions options, SpoolTime time, ConcurrentSkipListMap<Long, Segment> segments,
      SpoolCounters counters, long startWatermark, RetireRequest retire, Runnable onFinished) {
    this.options = options;
    this.time = time;
    this.segments = segments;
    this.counters = counters;
    this.startWatermark = startWatermark;
    this.retire = retire;
    this.lastHandedOut = startWatermark - 1;
    this.savedWatermark = startWatermark;
    this.onFinished = onFinished;
    this.nextCheckpointAtNanos = time.nanoTime() + options.checkpointInterval().toNanos();
  }

  void start(Thread readerThread) {
    this.thread = readerThread;
    readerThread.start();
  }

  void onRecordsAvailable(Runnable newListener) {
    this.listener = newListener;
  }

  /**
   * Wakes the reader: more is readable, a segment was sealed, or the window has room again. Unparks whether or not
   * the reader is parked right now (the permit makes its next park return), so no signal is lost in between.
   */
  void signal() {
    Thread readerThread = thread;
    if (readerThread != null) {
      LockSupport.unpark(readerThread);
    }
  }

  /**
   * The writer made more readable. Wakes the reader only when it is parked for want of data: while it pauses
   * between reads, the next read takes this along anyway, and waking it per append would cost a context switch
   * each.
   */
  void dataReadable() {
    Thread readerThread = thread;
    if (waitingForData && readerThread != null) {
      LockSupport.unpark(readerThread);
    }
  }

  /** Saves the watermark a last time and stops (call once the writer has stopped, so nothing more arrives). */
  void stop() {
    stopping = true;
    Thread readerThread = thread;
    if (readerThread != null) {
      LockSupport.unpark(readerThread);
    }
  }

  List<SpoolRecord> poll(int maxRecords, long maxBytes) {
    List<SpoolRecord> batch;
    synchronized (lock) {
      if (window.isEmpty() || maxRecords <= 0) {
        return List.of();
      }
      batch = new ArrayList<>(Math.min(maxRecords, window.size()));
      long bytes = 0;
      while (batch.size() < maxRecords && !window.isEmpty()) {
        SpoolRecord next = window.peekFirst();
        if (!batch.isEmpty() && bytes + next.size() > maxBytes) {
          break;
        }
        window.pollFirst();
        windowBytes -= next.size();
        bytes += next.size();
        handedOut.put(next.sequence(), next.appendedAtMillis());
        lastHandedOut = next.sequence();
        batch.add(next);
      }
    }
    // Only a reader waiting for room needs to hear of it; waking it otherwise cuts its pause between reads short,
    // a context switch per poll for nothing.
    if (waitingForRoom) {
      signal();
    }
    return batch;
  }

  void confirm(SpoolRecord record) {
    boolean segmentDone;
    synchronized (lock) {
      if (handedOut.remove(record.sequence()) == null) {
        return;
      }
      Segment segment = record.segment;
      segment.confirmed++;
      segmentDone = segment.sealed && segment.fullyRead && segment.confirmed == segment.loaded;
    }
    counters.unconfirmedRecords.decrementAndGet();
    counters.unconfirmedRecordBytes.addAndGet(-record.size());
    if (segmentDone) {
      signal();
    }
  }

  int waiting() {
    synchronized (lock) {
      return window.size();
    }
  }

  long windowBytes() {
    synchronized (lock) {
      return windowBytes;
    }
  }

  /** Append time of the oldest record in the window, or -1 when it is empty. */
  long oldestWaitingAppendedAtMillis() {
    synchronized (lock) {
      SpoolRecord head = window.peekFirst();
      return head == null ? -1 : head.appendedAtMillis();
    }
  }

  /** Append time of the oldest record read and not confirmed (handed out or waiting), or -1 when none is. */
  long oldestUnconfirmedAppendedAtMillis() {
    synchronized (lock) {
      long oldest = handedOut.isEmpty() ? Long.MAX_VALUE : handedOut.firstEntry().getValue();
      SpoolRecord head = window.peekFirst();
      if (head != null) {
        oldest = Math.min(oldest, head.appendedAtMillis());
      }
      return oldest == Long.MAX_VALUE ? -1 : oldest;
    }
  }

  /** Every record below this sequence was confirmed. */
  long watermark() {
    synchronized (lock) {
      if (!handedOut.isEmpty()) {
        return handedOut.firstKey();
      }
      SpoolRecord head = window.peekFirst();
      return head != null ? head.sequence() : lastHandedOut + 1;
    }
  }

  @Override
  public void run() {
    try {
      while (true) {
        boolean stop = stopping;
        boolean added = fill();
        if (added) {
          tellListener();
        }
        deleteConfirmedSegments();
        askToRetireDrainedSegment();
        checkpoint(stop);
        if (stop) {
          return;
        }
        if (added) {
          pauseBetweenReads();
        } else if (readFailed) {
          readFailed = false;
          LockSupport.parkNanos(this, MAX_PARK_NANOS);
        } else {
          park();
        }
      }
    } catch (RuntimeException | Error e) {
      LOG.error("The spool reader stopped; nothing more is read or deleted until restart", e);
    } finally {
      closeScanner();
      onFinished.run();
    }
  }

  /** Reads into the window while it has room and there is something to read; true when records were added. */
  private boolean fill() {
    boolean added = false;
    try {
      while (true) {
        int roomRecords;
        long roomBytes;
        synchronized (lock) {
          roomRecords = options.readAheadRecords() - window.size();
          roomBytes = options.readAheadBytes() - windowBytes;
        }
        if (roomRecords <= 0 || roomBytes <= 0 || !positionScanner()) {
          return added;
        }
        List<SpoolRecord> read = new ArrayList<>();
        long readBytes = 0;
        boolean more = true;
        while (read.size() < roomRecords && readBytes < roomBytes && more) {
          int before = read.size();
          more = step(read);
          if (read.size() > before) {
            readBytes += read.get(before).size();
          }
        }
        if (!read.isEmpty()) {
          add(read, readBytes);
          added = true;
        }
        if (!more && scanner != null) {
          return added;
        }
      }
    } catch (IOException e) {
      if (failureLog.tryAcquire()) {
        LOG.warn("Cannot read spool segment {}; trying again", current, e);
      }
      readFailed = true;
      return added;
    }
  }

  /**
   * Reads one frame of the current segment into {@code read}; false when the segment has nothing more to read now
   * (and, if it is sealed, lets it go so that the next one is read).
   */
  private boolean step(List<SpoolRecord> read) throws IOException {
    Segment segment = current;
    boolean sealed = segment.sealed;
    long end = segment.readableEnd;
    switch (scanner.next(end)) {
      case RECORD -> {
        if (scanner.sequence() >= startWatermark) {
          read.add(new SpoolRecord(scanner.sequence(), scanner.messageId(), scanner.messageIdBytes(),
              scanner.data(), scanner.appendedAtMillis(), segment));
        }
        return true;
      }
      case SKIPPED -> {
        // Damage found at start-up was counted and reported then; this is new damage in a live segment.
        if (!segment.recovered) {
          counters.skippedRecords.incrementAndGet();
          LOG.warn("Spool segment {}: skipped bytes {}..{}, {}", segment.path, scanner.skippedFrom(),
              scanner.skippedTo(), scanner.skipReason());
        }
        return true;
      }
      default -> {
        if (sealed) {
          synchronized (lock) {
            segment.fullyRead = true;
          }
          closeScanner();
        }
        return false;
      }
    }
  }

  /** Opens the segment to read next if none is open; false when there is none (yet). */
  private boolean positionScanner() throws IOException {
    if (scanner != null) {
      return true;
    }
    Map.Entry<Long, Segment> next = current == null ? segments.firstEntry()
        : segments.higherEntry(current.firstSequence);
    if (next == null) {
      return false;
    }
    current = next.getValue();
    scanner = FrameScanner.open(current.path, current.firstSequence);
    return true;
  }

  private void add(List<SpoolRecord> read, long bytes) {
    synchronized (lock) {
      window.addAll(read);
      windowBytes += bytes;
      read.get(0).segment.loaded += read.size();
    }
  }

  private void tellListener() {
    try {
      listener.run();
    } catch (RuntimeException e) {
      LOG.warn("The spool's records-available listener failed", e);
    }
  }

  /** Deletes every sealed segment whose records were all read and confirmed, in whatever order they completed. */
  private void deleteConfirmedSegments() {
    for (Segment segment : segments.values()) {
      synchronized (lock) {
        if (!segment.sealed || !segment.fullyRead || segment.confirmed != segment.loaded) {
          continue;
        }
      }
      try {
        Files.deleteIfExists(segment.path);
      } catch (IOException e) {
        if (failureLog.tryAcquire()) {
          LOG.warn("Cannot delete confirmed spool segment {}; trying again", segment.path, e);
        }
        continue;
      }
      segments.remove(segment.firstSequence);
      counters.usedBytes.addAndGet(-segment.accountedBytes);
      LOG.debug("Deleted confirmed spool segment {}", segment.path);
    }
  }

  /** All of the segment being written is read and confirmed: it may go once the spool is idle. */
  private void askToRetireDrainedSegment() {
    Segment segment = current;
    if (segment == null || scanner == null || segment.sealed) {
      return;
    }
    long end = segment.readableEnd;
    if (end < RETIRE_MIN_BYTES || scanner.position() != end) {
      return;
    }
    synchronized (lock) {
      if (segment.confirmed != segment.loaded) {
        return;
      }
    }
    retire.retireIfIdle(segment, end);
  }

  private void checkpoint(boolean now) {
    long nanos = time.nanoTime();
    if (!now && nanos - nextCheckpointAtNanos < 0) {
      return;
    }
    nextCheckpointAtNanos = nanos + options.checkpointInterval().toNanos();
    long watermark = watermark();
    if (watermark == savedWatermark) {
      return;
    }
    try {
      Checkpoint.write(options.directory(), watermark);
      savedWatermark = watermark;
    } catch (IOException e) {
      // Only costs duplicates after a restart: the old watermark stays, lower than it could be.
      if (failureLog.tryAcquire()) {
        LOG.warn("Cannot save the spool checkpoint; a restart would send more records twice", e);
      }
    }
  }

  private void park() {
    long untilCheckpoint = nextCheckpointAtNanos - time.nanoTime();
    // With the window full it waits for room (a poll wakes it), and news from the writer would only wake it for
    // nothing, once per append, for as long as the sender is stuck.
    boolean room = hasRoom();
    waitingForData = room;
    waitingForRoom = !room;
    try {
      // Checked after announcing the wait, against the writer publishing (or a poll taking records) after it reads
      // the flag: no news is lost.
      boolean news = room ? moreToRead() : hasRoom();
      if (!stopping && !news) {
        LockSupport.parkNanos(this, Math.max(1, Math.min(untilCheckpoint, MAX_PARK_NANOS)));
      }
    } finally {
      waitingForData = false;
      waitingForRoom = false;
    }
  }

  private boolean hasRoom() {
    synchronized (lock) {
      return window.size() < options.readAheadRecords() && windowBytes < options.readAheadBytes();
    }
  }

  private boolean moreToRead() {
    Segment segment = current;
    if (segment == null) {
      return !segments.isEmpty();
    }
    if (scanner == null) {
      return segments.higherEntry(segment.firstSequence) != null;
    }
    return segment.sealed || segment.readableEnd > scanner.position();
  }

  /**
   * Records trickling in one at a time would wake this thread once each, at a cost of a context switch and a read
   * per record: after reading, wait a moment, so that the writer's signals meanwhile count as one and the next read
   * takes them all. The sender lingers for a fuller batch anyway. Real time on purpose: a pacing detail, not a
   * behaviour a test drives.
   */
  private void pauseBetweenReads() {
    long until = System.nanoTime() + READ_PAUSE_NANOS;
    for (long left; !stopping && (left = until - System.nanoTime()) > 0; ) {
      LockSupport.parkNanos(this, left);
    }
  }

  private void closeScanner() {
    if (scanner != null) {
      try {
        scanner.close();
      } catch (IOException e) {
        LOG.debug("Closing a spool segment reader failed", e);
      }
      scanner = null;
    }
  }
}
