package io.adtrack.tracker.spool;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable local spool: records appended here outlive the process, and are read back in order until each one is
 * confirmed (stored downstream), however the process ended.
 *
 * <h2>Design</h2>
 * <b>Format.</b> A log of our own over {@code FileChannel}, chosen over Chronicle Queue and Tape's QueueFile by the
 * benchmark in {@code bench/results/2026-12-01-spool-eval.md}: it is the only one of the three that detects a
 * damaged record and keeps the intact ones around it, deletes files as soon as their records are confirmed, keeps
 * the backlog out of the heap and out of resident memory, and needs no JVM flags. Records go into segment files
 * (named by the sequence number of their first record) as frames with a magic number, a header checksum and a body
 * checksum (CRC32C, see {@link Frame}): a torn tail or a flipped byte is skipped, logged and counted, and the
 * reader resynchronises on the next frame whose header checks out, so damage costs the damaged records only. A
 * segment is deleted once every record read from it is confirmed; confirmations may come in any order. A segment
 * still being written is closed for that once all of it is confirmed and no append came for a second. Confirmation
 * progress is saved about once a second as a watermark (every sequence below it is confirmed), so a restart sends
 * again only what was not confirmed, plus the few confirmed above the watermark: at least once. A write that fails
 * (disk full) is cut back to its last whole frame; what did not fit is answered UNAVAILABLE, and the spool tries
 * again with the next appends, or by itself every probe interval when none come.
 * <p>
 * <b>Threads.</b> Callers are Vert.x event loops, which must not wait for a disk. {@link #append} only checks the
 * bounds and queues the record. At the end of its turn, an event loop writes everything queued with one system call
 * (a copy into the kernel's page cache, never an fsync) and answers in the same turn; when another thread is writing
 * at that moment, when fsync is on, or for a second after a loop's write was slow, one writer thread writes instead
 * and completes each caller's future on the caller's own event loop (one task per loop and batch). The writer thread
 * also runs the fsyncs. One reader thread reads the segments ahead into a bounded window that {@link #poll} hands
 * out without touching the disk, deletes confirmed segments and saves the watermark. A backlog stays in the files:
 * the heap holds at most the read-ahead window, the records handed out, and the appends waiting to be written.
 * <p>
 * <b>What an {@link AppendResult#APPENDED} survives</b>, by {@code fsyncInterval} (SPOOL_FSYNC_MS):
 * <ul>
 *   <li>0 (never fsync): the answer comes once {@code write()} returned, so the record is in the kernel's page
 *   cache. It survives SIGKILL, an OOM kill, a JVM crash and a container restart on the same host and volume;
 *   it does not survive a kernel crash or power loss (unsynced pages are lost; at the next start the spool skips
 *   and counts the torn tail, and keeps everything before it).</li>
 *   <li>N &gt; 0: the answer comes only after the fsync that covers the record (at most one fsync per N ms, shared
 *   by every record written meanwhile), so the record also survives a kernel crash or power loss, on a disk that
 *   itself survives them. Each append waits up to N ms plus one fsync longer.</li>
 * </ul>
 * Neither survives the loss of the disk itself (on Fargate, ephemeral storage goes with the task).
 * <p>
 * <b>Contract.</b> Open once at start-up ({@link #open}: it scans the spool, so call it off the event loops); append
 * from anywhere; poll and confirm from the sender; {@link #close} after the sender has drained what it can
 * ({@link #records()} is 0) or its deadline passed: whatever is not confirmed then is sent again after the next open.
 */
public final class Spool {

  private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
  private static final Future<AppendResult> FULL = Future.succeededFuture(AppendResult.FULL);
  private static final Future<AppendResult> TOO_LARGE = Future.succeededFuture(AppendResult.TOO_LARGE);
  private static final Future<AppendResult> CLOSED = Future.succeededFuture(AppendResult.CLOSED);
  /** Readiness turns red at this share of the bound, before appends are refused. */
  private static final double SATURATED = 0.9;

  private final SpoolOptions options;
  private final SpoolTime time;
  private final SpoolLock lock;
  private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
  private final SpoolCounters counters = new SpoolCounters();
  private final SpoolWriter writer;
  private final SpoolReader reader;
  private final long replayedAtStart;
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile boolean appendsStopped;
  private volatile boolean removeWhenEmpty;
  private final Promise<Void> closed = Promise.promise();
  private volatile Context closeContext;

  private Spool(SpoolOptions options, SpoolTime time, FileSync fileSync, SpoolLock lock, long watermark,
      Recovery.Result recovered) {
    this.options = options;
    this.time = time;
    this.lock = lock;
    this.replayedAtStart = recovered.replayable();
    recovered.segments().forEach(segment -> segments.put(segment.firstSequence, segment));
    counters.usedBytes.set(recovered.bytes());
    counters.unconfirmedRecords.set(recovered.replayable());
    counters.unconfirmedRecordBytes.set(recovered.replayableRecordBytes());
    counters.skippedRecords.set(recovered.skipped());
    // The reader and the writer call each other; neither thread runs before both exist (see start()).
    this.reader = new SpoolReader(options, time, segments, counters, watermark, this::retireIfIdle,
        this::readerFinished);
    this.writer = new SpoolWriter(options, time, fileSync, segments, counters, recovered.nextSequence(),
        reader::dataReadable, reader::stop);
  }

  /**
   * Opens the spool in {@code options.directory()}: checks and locks the directory, scans what an earlier process
   * left (damage is skipped and counted, never fatal), and starts the writer and reader threads. Blocks while it
   * scans: call it at start-up, not on an event loop.
   *
   * @throws SpoolOpenException the directory is missing, not a directory, not writable, in use, or unreadable
   */
  public static Spool open(SpoolOptions options) {
    return open(options, SpoolTime.SYSTEM);
  }

  /** {@link #open(SpoolOptions)} with the given clocks. */
  public static Spool open(SpoolOptions options, SpoolTime time) {
    return open(options, time, FileSync.FORCE);
  }

  static Spool open(SpoolOptions options, SpoolTime time, FileSync fileSync) {
    SpoolOptions absolute = options.withDirectory(options.directory().toAbsolutePath());
    Path directory = absolute.directory();
    SpoolLock lock = SpoolLock.acquire(directory);
    try {
      long watermark = Checkpoint.read(directory);
      Recovery.Result recovered = Recovery.scan(directory, watermark);
      Spool spool = new Spool(absolute, time, fileSync, lock, watermark, recovered);
      spool.start();
      return spool;
    } catch (IOException e) {
      lock.release();
      throw new SpoolOpenException("cannot read the spool in " + directory + ": " + describe(e), e);
    } catch (RuntimeException | Error e) {
      lock.release();
      throw e;
    }
  }

  private void start() {
    Thread writerThread = new Thread(writer, "spool-writer");
    writerThread.setDaemon(true);
    Thread readerThread = new Thread(reader, "spool-reader");
    readerThread.setDaemon(true);
    reader.start(readerThread);
    writer.start(writerThread);
  }

  /**
   * Appends one record, from any thread, without blocking: the future completes, on the caller's Vert.x context
   * when it has one (else on the writer thread), once the record is written (and synced, when the spool syncs) or
   * refused. FULL, TOO_LARGE and CLOSED are answered at once. The spool keeps a reference to {@code data} until
   * the record is written: do not change it meanwhile.
   *
   * @param messageId at most 256 UTF-8 bytes; stored with the record (the Kinesis partition key)
   */
  public Future<AppendResult> append(String messageId, byte[] data) {
    if (appendsStopped) {
      return CLOSED;
    }
    byte[] id = messageId.getBytes(StandardCharsets.UTF_8);
    if (id.length > Frame.MAX_ID_BYTES || (long) id.length + data.length > options.maxRecordBytes()) {
      return TOO_LARGE;
    }
    int frameBytes = Frame.size(id.length, data.length);
    if (counters.usedBytes.addAndGet(frameBytes) > options.maxBytes()) {
      counters.usedBytes.addAndGet(-frameBytes);
      return FULL;
    }
    PendingAppend append = new PendingAppend(id, data, Vertx.currentContext());
    if (!writer.offer(append)) {
      counters.usedBytes.addAndGet(-frameBytes);
      return FULL;
    }
    return append.future();
  }

  /**
   * Takes the next records in append order from the read-ahead window, at most {@code maxRecords} and, past the
   * first, at most {@code maxBytes} by {@link SpoolRecord#size()} (PutRecords: 500, 5 MiB). Never blocks; empty when
   * nothing is waiting. Each record is handed out once per open: keep it until {@link #confirm} (a failed send is
   * retried by the sender, not handed out again).
   */
  public List<SpoolRecord> poll(int maxRecords, long maxBytes) {
    return reader.poll(maxRecords, maxBytes);
  }

  /**
   * The record is stored downstream: it will not be sent again after a restart (once the watermark passes it), and
   * its segment goes once all of the segment's records are confirmed. Any order, any thread; idempotent.
   */
  public void confirm(SpoolRecord record) {
    reader.confirm(record);
  }

  /**
   * Called from the reader thread whenever it put more records in the window (hop to your own context there).
   * A sender that found the window empty waits for this instead of polling on a timer.
   */
  public void onRecordsAvailable(Runnable listener) {
    reader.onRecordsAvailable(listener);
  }

  /** Records in the read-ahead window, ready for {@link #poll}. */
  public int waiting() {
    return reader.waiting();
  }

  /** Append time (epoch ms) of the oldest record ready for {@link #poll}, or -1 when none is (for linger). */
  public long oldestWaitingAppendedAtMillis() {
    return reader.oldestWaitingAppendedAtMillis();
  }

  /**
   * Takes no more appends (they answer CLOSED) while reading and confirming go on: the start of a shutdown, so that
   * what the sender drains is all there will be. {@link #close} follows. Idempotent, any thread.
   */
  public void stopAppends() {
    appendsStopped = true;
  }

  /** Ready, or not and why: cannot write (the last write failed), (nearly) full, or closed. */
  public SpoolHealth health() {
    if (appendsStopped) {
      return SpoolHealth.notReady("spool closed");
    }
    String unavailable = writer.unavailableReason();
    if (unavailable != null) {
      return SpoolHealth.notReady(unavailable);
    }
    long used = counters.usedBytes.get();
    if (used >= options.maxBytes() * SATURATED) {
      return SpoolHealth.notReady(String.format("spool %d%% full (%d of %d bytes): the sender is behind",
          used * 100 / options.maxBytes(), used, options.maxBytes()));
    }
    return SpoolHealth.READY;
  }

  /** The spool's directory, absolute. */
  public Path directory() {
    return options.directory();
  }

  /** The bound on {@link #bytes()} (SPOOL_MAX_BYTES). */
  public long maxBytes() {
    return options.maxBytes();
  }

  /** Bytes counted against the bound: segment files on disk plus appends waiting for the writer. */
  public long bytes() {
    return counters.usedBytes.get();
  }

  /** Records in the spool not yet confirmed (including those to send again after a restart). */
  public long records() {
    return counters.unconfirmedRecords.get();
  }

  /** Message id plus data bytes of {@link #records()}: what Kinesis will count, without the spool's framing. */
  public long recordBytes() {
    return counters.unconfirmedRecordBytes.get();
  }

  /** Segment files on disk. */
  public int segments() {
    return segments.size();
  }

  /** How long ago the oldest record not yet confirmed was appended, in ms; 0 when every record is confirmed. */
  public long oldestUnconfirmedAgeMillis() {
    long oldest = reader.oldestUnconfirmedAppendedAtMillis();
    return oldest < 0 ? 0 : Math.max(0, time.currentTimeMillis() - oldest);
  }

  /** Records found at open that were not confirmed before: sent again. */
  public long replayedAtStart() {
    return replayedAtStart;
  }

  /** Records lost to damage (torn tails, corrupt frames): found at open, or later while reading. */
  public long skippedRecords() {
    return counters.skippedRecords.get();
  }

  /**
   * Stops taking appends (they answer CLOSED), writes and answers those already taken, forces the active segment
   * to the device, saves the watermark and releases the directory. Never blocks; the future completes (on the
   * caller's context, when it has one) once all that is done. Records handed out and not confirmed by then are sent
   * again after the next open. Idempotent.
   */
  public Future<Void> close() {
    if (closing.compareAndSet(false, true)) {
      appendsStopped = true;
      closeContext = Vertx.currentContext();
      writer.stop();
    }
    return closed.future();
  }

  private void retireIfIdle(Segment segment, long end) {
    writer.retireIfIdle(segment, end);
  }

  /**
   * {@link #close()}, and if nothing unconfirmed is left then, the spool's files and its directory are removed too:
   * for a directory the owner made for itself, which nobody would look into again. A directory that holds files
   * of someone else's stays.
   */
  public Future<Void> closeAndRemoveIfEmpty() {
    removeWhenEmpty = true;
    return close();
  }

  private void readerFinished() {
    boolean remove = removeWhenEmpty && records() == 0;
    if (remove) {
      // The segments and the checkpoint while the lock is still held, so no other process has opened them.
      removeFiles(name -> name.endsWith(".seg") || name.startsWith(Checkpoint.FILE_NAME));
    }
    lock.release();
    if (remove) {
      removeFiles(SpoolLock.FILE_NAME::equals);
      try {
        Files.deleteIfExists(options.directory());
      } catch (IOException e) {
        LOG.debug("Spool directory {} not removed (something else is in it)", options.directory(), e);
      }
    }
    Context context = closeContext;
    if (context == null) {
      closed.tryComplete();
      return;
    }
    try {
      context.runOnContext(v -> closed.tryComplete());
    } catch (RejectedExecutionException e) {
      closed.tryComplete();
    }
  }

  private void removeFiles(Predicate<String> named) {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(options.directory())) {
      for (Path file : files) {
        if (named.test(file.getFileName().toString())) {
          Files.deleteIfExists(file);
        }
      }
    } catch (IOException e) {
      LOG.warn("Cannot remove the drained spool in {}; it is left as it is", options.directory(), e);
    }
  }

  /** Every record below this sequence was confirmed (what the checkpoint saves). */
  long watermark() {
    return reader.watermark();
  }

  /** Batches written so far by event loops and by the writer thread. */
  SpoolWriter.Batches batchesWritten() {
    return writer.batchesWritten();
  }

  /** Bytes of the records in the read-ahead window. */
  long readAheadBytes() {
    return reader.windowBytes();
  }

  /** An I/O failure as one short phrase for logs, health and errors. */
  static String describe(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException fileSystemException && fileSystemException.getReason() != null) {
      return fileSystemException.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
