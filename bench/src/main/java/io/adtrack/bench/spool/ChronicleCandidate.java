package io.adtrack.bench.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.text.ParseException;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TimeZone;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Chronicle Queue: memory-mapped files rolled by time (hourly here), one appender per thread, a tailer for reading.
 * An append returns once its bytes are in the mapping (the page cache). For the fsync mode the harness adds the
 * group commit the spool would need on top of it: a thread forces the file every interval, and an append waits for
 * the first force that started after it. Acknowledgement is a position; files go a whole roll cycle at a time.
 */
final class ChronicleCandidate implements Candidate {

  /** What Chronicle needs on Java 17 to start at all (without them: IllegalAccessException at class init). */
  static final List<String> JAVA_17_FLAGS = List.of(
      "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
      "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
      "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
      // Otherwise it writes ~/.chronicle.analytics.* and reports to Google Analytics at start-up.
      "-Dchronicle.analytics.disable=true");

  private static final RollCycle ROLL_CYCLE = RollCycles.FAST_HOURLY;

  private final Path dir;
  private final SingleChronicleQueue queue;
  private final List<ExcerptAppender> appenders = new CopyOnWriteArrayList<>();
  private final ThreadLocal<ExcerptAppender> appender;
  private final ExcerptTailer tailer;
  private final GroupCommit groupCommit;

  ChronicleCandidate(Path dir, long fsyncMillis) {
    this.dir = dir;
    this.queue = SingleChronicleQueueBuilder.binary(dir.toFile()).rollCycle(ROLL_CYCLE).build();
    this.appender = ThreadLocal.withInitial(() -> {
      ExcerptAppender created = queue.createAppender();
      appenders.add(created);
      return created;
    });
    this.tailer = queue.createTailer();
    this.groupCommit = fsyncMillis > 0 ? new GroupCommit(fsyncMillis) : null;
  }

  @Override
  public void append(String id, byte[] data, Runnable done) throws InterruptedException {
    try (DocumentContext document = appender.get().writingDocument()) {
      Bytes<?> bytes = document.wire().bytes();
      bytes.writeUtf8(id);
      bytes.writeInt(data.length);
      bytes.write(data);
    }
    if (groupCommit != null) {
      groupCommit.awaitCovering(groupCommit.appended.incrementAndGet());
    }
    done.run();
  }

  @Override
  public int inFlightPerThread() {
    return 1;
  }

  @Override
  public List<Rec> read(int max) {
    List<Rec> records = new ArrayList<>();
    while (records.size() < max) {
      try (DocumentContext document = tailer.readingDocument()) {
        if (!document.isPresent()) {
          break;
        }
        Bytes<?> bytes = document.wire().bytes();
        String id = bytes.readUtf8();
        byte[] data = new byte[bytes.readInt()];
        bytes.read(data);
        records.add(new Rec(id, data, document.index()));
      }
    }
    return records;
  }

  /** File and position of the {@code n}th record's first data byte (its 4-byte header sits just before). */
  FilePosition positionOf(int n) throws IOException {
    ExcerptTailer seeker = queue.createTailer();
    for (int i = 0; i < n; i++) {
      try (DocumentContext document = seeker.readingDocument()) {
        if (!document.isPresent()) {
          throw new IllegalStateException("fewer than " + n + " records");
        }
      }
    }
    try (DocumentContext document = seeker.readingDocument()) {
      return new FilePosition(newestFile().orElseThrow(), document.wire().bytes().readPosition());
    }
  }

  record FilePosition(Path file, long position) {
  }

  @Override
  public void acknowledge(List<Rec> records) throws IOException {
    if (records.isEmpty()) {
      return;
    }
    // Whole cycles before the one of the last record acknowledged are done (reading and acknowledging are in order).
    int acknowledgedCycle = ROLL_CYCLE.toCycle((Long) records.get(records.size() - 1).handle());
    boolean deleted = false;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".cq4")).toList()) {
        if (cycleOf(file) < acknowledgedCycle) {
          Files.delete(file);
          deleted = true;
        }
      }
    }
    if (deleted) {
      queue.refreshDirectoryListing();
    }
  }

  @Override
  public long skipped() {
    return -1;
  }

  @Override
  public void close() {
    if (groupCommit != null) {
      groupCommit.stop();
    }
    appenders.forEach(ExcerptAppender::close);
    tailer.close();
    queue.close();
  }

  private static int cycleOf(Path file) {
    String name = file.getFileName().toString();
    SimpleDateFormat format = new SimpleDateFormat(ROLL_CYCLE.format());
    format.setTimeZone(TimeZone.getTimeZone("UTC"));
    try {
      return (int) (format.parse(name.substring(0, name.length() - ".cq4".length())).getTime()
          / ROLL_CYCLE.lengthInMillis());
    } catch (ParseException e) {
      return Integer.MAX_VALUE;
    }
  }

  private Optional<Path> newestFile() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".cq4")).max(Path::compareTo);
    }
  }

  /** Forces the file being written every interval; appends wait for the first force that began after them. */
  private final class GroupCommit {

    final AtomicLong appended = new AtomicLong();
    private long synced;
    private volatile boolean running = true;
    private final Thread thread;

    GroupCommit(long intervalMillis) {
      thread = new Thread(() -> run(intervalMillis), "chronicle-group-commit");
      thread.setDaemon(true);
      thread.start();
    }

    private void run(long intervalMillis) {
      while (running) {
        long covered = appended.get();
        try {
          Optional<Path> file = newestFile();
          if (file.isPresent()) {
            try (FileChannel channel = FileChannel.open(file.get(), StandardOpenOption.READ)) {
              channel.force(false);
            }
          }
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
        synchronized (this) {
          synced = covered;
          notifyAll();
        }
        try {
          TimeUnit.MILLISECONDS.sleep(intervalMillis);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    synchronized void awaitCovering(long mark) throws InterruptedException {
      while (synced < mark) {
        wait();
      }
    }

    void stop() {
      running = false;
      thread.interrupt();
    }
  }
}
