package io.adtrack.bench.spool;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One measurement of one store, in a JVM of its own (so each store gets the JVM flags it needs, its own heap, and
 * a clean page-table for RSS). Prints progress lines ({@code ok ID}) and, at the end, one {@code result k=v ...}
 * line that {@link SpoolEvaluation} collects. Usage: {@code STORE SCENARIO DIR [arguments]}, scenarios:
 * <ul>
 *   <li>{@code throughput FSYNC_MS WARMUP_S SECONDS THREADS}: every thread appends as fast as the store lets it
 *   (one append outstanding for a synchronous store, 32 for the asynchronous spool);</li>
 *   <li>{@code paced FSYNC_MS WARMUP_S SECONDS THREADS RATE}: appends at a fixed total rate, latency measured from
 *   when each append was due (so a store that falls behind is charged for it);</li>
 *   <li>{@code flood FSYNC_MS THREADS}: appends until killed, printing {@code ok ID} after each answer;</li>
 *   <li>{@code verify ACKED_FILE}: opens what a killed flood left, reads everything back, checks it;</li>
 *   <li>{@code damage length|payload}: writes 10,000 records, flips one byte in the middle record's length field or
 *   data, opens and reads back;</li>
 *   <li>{@code backlog MIB MAX_SECONDS THREADS}: builds a backlog, then drains it acknowledging in batches of 500,
 *   watching heap, resident memory and disk.</li>
 * </ul>
 */
public final class SpoolEvalChild {

  private static final int DAMAGE_RECORDS = 10_000;
  private static final int DAMAGE_DATA_BYTES = 400;

  private SpoolEvalChild() {
  }

  public static void main(String[] args) throws Exception {
    String store = args[0];
    String scenario = args[1];
    Path dir = Path.of(args[2]);
    Map<String, Object> result = switch (scenario) {
      case "throughput" -> throughput(store, dir, Long.parseLong(args[3]), seconds(args[4]), seconds(args[5]),
          Integer.parseInt(args[6]), 0);
      case "paced" -> throughput(store, dir, Long.parseLong(args[3]), seconds(args[4]), seconds(args[5]),
          Integer.parseInt(args[6]), Integer.parseInt(args[7]));
      case "flood" -> flood(store, dir, Long.parseLong(args[3]), Integer.parseInt(args[4]));
      case "verify" -> verify(store, dir, Path.of(args[3]));
      case "damage" -> damage(store, dir, args[3]);
      case "backlog" -> backlog(store, dir, Long.parseLong(args[3]), seconds(args[4]), Integer.parseInt(args[5]));
      default -> throw new IllegalArgumentException(scenario);
    };
    StringBuilder line = new StringBuilder("result");
    result.forEach((key, value) -> line.append(' ').append(key).append('=').append(value));
    System.out.println(line);
    System.out.flush();
    // Chronicle leaves non-daemon threads behind.
    System.exit(0);
  }

  private static Map<String, Object> throughput(String store, Path dir, long fsyncMillis, long warmupNanos,
      long measureNanos, int threads, int rate) throws Exception {
    Recorder recorder = new Recorder(3);
    Recorder calls = new Recorder(3);
    AtomicLong completed = new AtomicLong();
    AtomicLong behind = new AtomicLong();
    try (Candidate candidate = Candidate.open(store, dir, fsyncMillis)) {
      long start = System.nanoTime();
      long measureFrom = start + warmupNanos;
      long end = measureFrom + measureNanos;
      long[] cpu = new long[2];
      Thread meter = new Thread(() -> {
        LockSupport.parkNanos(measureFrom - System.nanoTime());
        cpu[0] = cpuNanos();
        LockSupport.parkNanos(end - System.nanoTime());
        cpu[1] = cpuNanos();
      });
      meter.start();
      List<Thread> appenders = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long offset = rate == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / rate * t;
        Thread appender = new Thread(() -> appendUntil(candidate, rate, threads, start + offset, measureFrom, end,
            recorder, calls, completed, behind), "appender-" + t);
        appender.start();
        appenders.add(appender);
      }
      for (Thread appender : appenders) {
        appender.join();
      }
      meter.join();
      Histogram latency = recorder.getIntervalHistogram();
      Histogram call = calls.getIntervalHistogram();
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("appendsPerSecond", completed.get() * TimeUnit.SECONDS.toNanos(1) / measureNanos);
      result.put("p50us", latency.getValueAtPercentile(50) / 1000);
      result.put("p99us", latency.getValueAtPercentile(99) / 1000);
      result.put("p999us", latency.getValueAtPercentile(99.9) / 1000);
      result.put("maxUs", latency.getMaxValue() / 1000);
      result.put("callP99us", call.getValueAtPercentile(99) / 1000);
      result.put("callP999us", call.getValueAtPercentile(99.9) / 1000);
      result.put("callMaxUs", call.getMaxValue() / 1000);
      result.put("cpuUsPerAppend", completed.get() == 0 ? 0 : (cpu[1] - cpu[0]) / 1000 / completed.get());
      result.put("refused", candidate instanceof SegmentLogCandidate log ? log.refused() : 0);
      result.put("behind", rate == 0 ? 0 : behind.get());
      return result;
    }
  }

  /**
   * One appending thread. Closed loop ({@code rate} 0): at most the store's in-flight allowance outstanding, latency
   * from the call. Open loop: one append due every {@code threads / rate} s, latency from when it was due. Besides,
   * how long each call held the thread: what an event loop would be blocked for.
   */
  private static void appendUntil(Candidate candidate, int rate, int threads, long first, long measureFrom,
      long end, Recorder recorder, Recorder calls, AtomicLong completed, AtomicLong behind) {
    Semaphore inFlight = new Semaphore(rate == 0 ? candidate.inFlightPerThread() : Integer.MAX_VALUE / 2);
    long interval = rate == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) * threads / rate;
    long due = first;
    try {
      while (true) {
        if (rate == 0) {
          inFlight.acquire();
          due = System.nanoTime();
        } else {
          for (long wait; (wait = due - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(wait);
          }
        }
        if (due >= end || System.nanoTime() >= end) {
          // A store that fell behind the rate stops at the end too; what it never got to is counted as behind.
          behind.addAndGet(Math.max(0, (end - due) / Math.max(1, interval)));
          break;
        }
        long startedAt = due;
        String id = newId();
        byte[] data = payload(id);
        long callStart = System.nanoTime();
        candidate.append(id, data, () -> {
          if (startedAt >= measureFrom) {
            recorder.recordValue(System.nanoTime() - startedAt);
            completed.incrementAndGet();
          }
          inFlight.release();
        });
        if (startedAt >= measureFrom) {
          calls.recordValue(System.nanoTime() - callStart);
        }
        due += interval;
      }
      if (rate == 0) {
        inFlight.release();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> flood(String store, Path dir, long fsyncMillis, int threads) throws Exception {
    Candidate candidate = Candidate.open(store, dir, fsyncMillis);
    BlockingQueue<String> answered = new LinkedBlockingQueue<>();
    for (int t = 0; t < threads; t++) {
      Thread appender = new Thread(() -> {
        Semaphore inFlight = new Semaphore(candidate.inFlightPerThread());
        try {
          while (true) {
            inFlight.acquire();
            String id = newId();
            candidate.append(id, payload(id), () -> {
              answered.add(id);
              inFlight.release();
            });
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, "appender-" + t);
      appender.setDaemon(true);
      appender.start();
    }
    // A line out means an append was answered; flushed whenever the printer catches up.
    Writer out = new BufferedWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out),
        StandardCharsets.US_ASCII), 1 << 16);
    while (true) {
      out.write("ok " + answered.take() + "\n");
      if (answered.isEmpty()) {
        out.flush();
      }
    }
  }

  private static Map<String, Object> verify(String store, Path dir, Path answeredFile) throws Exception {
    Set<String> answered = new HashSet<>(Files.readAllLines(answeredFile));
    Map<String, Object> result = new LinkedHashMap<>();
    long openedAt = System.nanoTime();
    Candidate candidate;
    try {
      candidate = Candidate.open(store, dir, 0);
    } catch (Exception | Error e) {
      result.put("opened", false);
      result.put("error", e.getClass().getSimpleName());
      return result;
    }
    long readFrom = System.nanoTime();
    result.put("opened", true);
    result.put("openMs", TimeUnit.NANOSECONDS.toMillis(readFrom - openedAt));
    Set<String> found = new HashSet<>();
    long damaged = 0;
    try {
      for (List<Candidate.Rec> batch; !(batch = candidate.read(500)).isEmpty(); ) {
        for (Candidate.Rec rec : batch) {
          if (intact(rec.id(), rec.data())) {
            found.add(rec.id());
          } else {
            damaged++;
          }
        }
      }
    } catch (Exception | Error e) {
      result.put("readError", e.getClass().getSimpleName());
    }
    result.put("readMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - readFrom));
    Set<String> missing = new HashSet<>(answered);
    missing.removeAll(found);
    result.put("answered", answered.size());
    result.put("found", found.size());
    result.put("missing", missing.size());
    result.put("damagedDelivered", damaged);
    result.put("skipped", candidate.skipped());
    // Whether the store takes appends again straight after the crash, and how long the first one takes.
    long appendFrom = System.nanoTime();
    String id = newId();
    Semaphore done = new Semaphore(0);
    candidate.append(id, payload(id), done::release);
    boolean appended = done.tryAcquire(60, TimeUnit.SECONDS);
    result.put("firstAppendMs", appended ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - appendFrom) : -1);
    candidate.close();
    return result;
  }

  private static Map<String, Object> damage(String store, Path dir, String where) throws Exception {
    List<String> ids = new ArrayList<>();
    try (Candidate candidate = Candidate.open(store, dir, 0)) {
      Semaphore done = new Semaphore(0);
      for (int i = 0; i < DAMAGE_RECORDS; i++) {
        String id = newId();
        ids.add(id);
        candidate.append(id, payload(id, DAMAGE_DATA_BYTES), done::release);
      }
      done.acquire(DAMAGE_RECORDS);
      if (candidate instanceof ChronicleCandidate chronicle) {
        ChronicleCandidate.FilePosition at = chronicle.positionOf(DAMAGE_RECORDS / 2);
        // Data: stop-bit id length (1 byte), id, int data length, data; the 4-byte header (LE) just before.
        flip(at.file(), at.position() + 1, ids.get(DAMAGE_RECORDS / 2), where.equals("length")
            ? at.position() - 3 : at.position() + 1 + 36 + 4 + DAMAGE_DATA_BYTES / 2);
      }
    }
    int middle = DAMAGE_RECORDS / 2;
    if (store.equals("segment-log")) {
      long frame = 32 + 2 + 36 + DAMAGE_DATA_BYTES;
      long at = middle * frame;
      flip(dir.resolve("00000000000000000000.seg"), at + 34, ids.get(middle),
          where.equals("length") ? at + 6 : at + 34 + 36 + DAMAGE_DATA_BYTES / 2);
    } else if (store.equals("tape")) {
      long element = 4 + 2 + 36 + DAMAGE_DATA_BYTES;
      long at = 32 + middle * element;
      flip(dir.resolve(TapeCandidate.FILE_NAME), at + 6, ids.get(middle),
          where.equals("length") ? at + 2 : at + 6 + 36 + DAMAGE_DATA_BYTES / 2);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    Candidate candidate;
    try {
      candidate = Candidate.open(store, dir, 0);
      result.put("opened", true);
    } catch (Exception | Error e) {
      result.put("opened", false);
      result.put("error", e.getClass().getSimpleName());
      return result;
    }
    long intact = 0;
    long damagedDelivered = 0;
    try {
      for (List<Candidate.Rec> batch; !(batch = candidate.read(500)).isEmpty(); ) {
        for (Candidate.Rec rec : batch) {
          if (intact(rec.id(), rec.data())) {
            intact++;
          } else {
            damagedDelivered++;
          }
        }
      }
    } catch (Exception | Error e) {
      result.put("readError", e.getClass().getSimpleName());
    }
    result.put("intactOf", intact + "/" + (DAMAGE_RECORDS - 1));
    result.put("damagedDelivered", damagedDelivered);
    result.put("skipped", candidate.skipped());
    candidate.close();
    return result;
  }

  /** Flips one byte, after checking that the record's id is where the layout says (so the right byte is hit). */
  private static void flip(Path file, long idAt, String id, long at) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer found = ByteBuffer.allocate(id.length());
      channel.read(found, idAt);
      if (!new String(found.array(), StandardCharsets.US_ASCII).equals(id)) {
        throw new IllegalStateException("record not where the layout says in " + file);
      }
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, at);
      one.put(0, (byte) (one.get(0) ^ 0x01)).rewind();
      channel.write(one, at);
    }
  }

  private static Map<String, Object> backlog(String store, Path dir, long mib, long maxNanos, int threads)
      throws Exception {
    Map<String, Object> result = new LinkedHashMap<>();
    try (Candidate candidate = Candidate.open(store, dir, 0)) {
      AtomicLong bytes = new AtomicLong();
      AtomicLong records = new AtomicLong();
      long start = System.nanoTime();
      List<Thread> appenders = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Thread appender = new Thread(() -> {
          Semaphore inFlight = new Semaphore(candidate.inFlightPerThread());
          try {
            while (bytes.get() < (mib << 20) && System.nanoTime() - start < maxNanos) {
              inFlight.acquire();
              String id = newId();
              byte[] data = payload(id);
              candidate.append(id, data, inFlight::release);
              bytes.addAndGet(data.length + id.length());
              records.incrementAndGet();
            }
            inFlight.acquire(candidate.inFlightPerThread());
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        appender.start();
        appenders.add(appender);
      }
      for (Thread appender : appenders) {
        appender.join();
      }
      result.put("records", records.get());
      result.put("backlogMiB", bytes.get() >> 20);
      result.put("appendSeconds", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
      result.put("heapLiveAfterAppendMiB", liveHeapMiB());
      result.put("rssAfterAppendMiB", status("VmRSS") >> 10);
      result.put("diskAfterAppendMiB", diskKiB(dir) >> 10);

      long toRead = records.get();
      long at99 = toRead * 99 / 100;
      long read = 0;
      long peakRss = 0;
      long peakRssFile = 0;
      long heapMidRead = -1;
      long drainFrom = System.nanoTime();
      // Batches of 500, the last one before 99% cut short so that the disk is measured at exactly 99% acknowledged.
      for (List<Candidate.Rec> batch; !(batch = candidate.read((int) (read < at99 ? Math.min(500, at99 - read)
          : 500))).isEmpty(); ) {
        candidate.acknowledge(batch);
        read += batch.size();
        peakRss = Math.max(peakRss, status("VmRSS"));
        peakRssFile = Math.max(peakRssFile, status("RssFile"));
        if (heapMidRead < 0 && read >= toRead / 2) {
          heapMidRead = liveHeapMiB();
        }
        if (read == at99) {
          TimeUnit.SECONDS.sleep(1);
          result.put("diskAt99PercentAckedMiB", diskKiB(dir) >> 10);
        }
      }
      result.put("drainSeconds", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - drainFrom));
      result.put("readBack", read);
      result.put("heapLiveMidDrainMiB", heapMidRead);
      result.put("peakRssDuringDrainMiB", peakRss >> 10);
      result.put("peakRssFileDuringDrainMiB", peakRssFile >> 10);
      // The spool closes an idle, fully confirmed segment after a second; give every store the same chance.
      TimeUnit.MILLISECONDS.sleep(2500);
      result.put("diskAllAckedMiB", diskKiB(dir) >> 10);
    }
    return result;
  }

  static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  /** 300..600 bytes that follow from the id, so that a record read back can be checked on its own. */
  static byte[] payload(String id) {
    return payload(id, 300 + Math.floorMod(id.hashCode(), 301));
  }

  static byte[] payload(String id, int size) {
    byte[] data = new byte[size];
    int seed = id.hashCode();
    for (int i = 0; i < size; i++) {
      data[i] = (byte) (seed + i * 31);
    }
    return data;
  }

  static boolean intact(String id, byte[] data) {
    if (id == null || data == null || id.length() != 36) {
      return false;
    }
    int seed = id.hashCode();
    for (int i = 0; i < data.length; i++) {
      if (data[i] != (byte) (seed + i * 31)) {
        return false;
      }
    }
    return data.length == DAMAGE_DATA_BYTES || data.length == 300 + Math.floorMod(seed, 301);
  }

  private static long seconds(String value) {
    return (long) (Double.parseDouble(value) * 1e9);
  }

  private static long liveHeapMiB() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
  }

  /** A /proc/self/status field, in kB. */
  private static long status(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
      }
    }
    return -1;
  }

  private static long cpuNanos() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
    } catch (IOException e) {
      return 0;
    }
  }

  /** Disk blocks in use under {@code dir} (sparse files count what they hold, not their length), in KiB. */
  static long diskKiB(Path dir) throws IOException {
    Process du = new ProcessBuilder("du", "-sk", dir.toString()).redirectErrorStream(true).start();
    String out = new String(du.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
    try {
      du.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Long.parseLong(out.split("\\s+")[0]);
  }
}
