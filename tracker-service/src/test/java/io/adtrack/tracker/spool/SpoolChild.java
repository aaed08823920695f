package io.adtrack.tracker.spool;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A JVM of its own that uses a spool the way the tracker will, for the tests that kill it or starve it of disk.
 * Reports on stdout, one line each:
 * <ul>
 *   <li>{@code flood DIR THREADS FSYNC_MS}: appends from THREADS threads (up to 256 in flight each) until killed;
 *   prints {@code ok ID} for every record only after its append was answered APPENDED.</li>
 *   <li>{@code hold DIR}: opens the spool, prints {@code open}, and keeps it open until stdin closes.</li>
 *   <li>{@code commands DIR SEGMENT_BYTES}: reads commands from stdin: {@code append N SIZE} (N appends in one turn
 *   of a Vert.x event loop, as the tracker's requests make them, so the loop writes them itself;
 *   prints {@code ok ID} per APPENDED, then {@code done APPENDED=a UNAVAILABLE=u ...}), {@code health}
 *   ({@code health true|false REASON}), {@code batches} ({@code batches ON_LOOPS BY_WRITER_THREAD}) and
 *   {@code close} ({@code closed}, then exits).</li>
 * </ul>
 */
public final class SpoolChild {

  private SpoolChild() {
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[1]);
    switch (args[0]) {
      case "flood" -> flood(dir, Integer.parseInt(args[2]), Long.parseLong(args[3]));
      case "hold" -> hold(dir);
      case "commands" -> commands(dir, Long.parseLong(args[2]));
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  private static void flood(Path dir, int threads, long fsyncMillis) throws InterruptedException {
    Spool spool = Spool.open(SpoolOptions.of(dir, 1L << 30, Duration.ofMillis(fsyncMillis))
        .withSegmentBytes(4L << 20));
    BlockingQueue<String> appended = new LinkedBlockingQueue<>();
    Thread printer = new Thread(() -> print(appended), "printer");
    printer.start();
    for (int t = 0; t < threads; t++) {
      Thread appender = new Thread(() -> {
        Semaphore inFlight = new Semaphore(256);
        while (true) {
          inFlight.acquireUninterruptibly();
          String id = UUID.randomUUID().toString();
          byte[] data = new byte[300 + ThreadLocalRandom.current().nextInt(301)];
          spool.append(id, data).onComplete(done -> {
            inFlight.release();
            if (done.result() == AppendResult.APPENDED) {
              appended.add(id);
            }
          });
        }
      }, "appender-" + t);
      appender.setDaemon(true);
      appender.start();
    }
    printer.join();
  }

  /** Prints what was appended; flushes whenever it has caught up, so a line out is an append answered. */
  private static void print(BlockingQueue<String> appended) {
    Writer out = new BufferedWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out),
        StandardCharsets.US_ASCII), 1 << 16);
    try {
      while (true) {
        out.write("ok " + appended.take() + "\n");
        if (appended.isEmpty()) {
          out.flush();
        }
      }
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void hold(Path dir) throws IOException {
    Spool spool = Spool.open(SpoolOptions.of(dir, 1L << 20, Duration.ZERO));
    System.out.println("open");
    System.out.flush();
    while (System.in.read() >= 0) {
      // until the parent closes stdin
    }
    SpoolTesting.close(spool);
  }

  private static void commands(Path dir, long segmentBytes) throws IOException {
    Spool spool = Spool.open(SpoolOptions.of(dir, 64L << 20, Duration.ZERO).withSegmentBytes(segmentBytes)
        .withProbeInterval(Duration.ofMillis(200)));
    Vertx vertx = Vertx.vertx();
    Context loop = vertx.getOrCreateContext();
    PrintStream out = System.out;
    out.println("ready");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
    for (String line; (line = in.readLine()) != null; ) {
      String[] command = line.split(" ");
      switch (command[0]) {
        case "append" -> {
          int count = Integer.parseInt(command[1]);
          int size = Integer.parseInt(command[2]);
          List<String> ids = new ArrayList<>();
          List<Future<AppendResult>> appends = new ArrayList<>();
          CompletableFuture<Void> queued = new CompletableFuture<>();
          loop.runOnContext(v -> {
            for (int i = 0; i < count; i++) {
              String id = UUID.randomUUID().toString();
              ids.add(id);
              appends.add(spool.append(id, new byte[size]));
            }
            queued.complete(null);
          });
          queued.join();
          Map<AppendResult, Integer> counts = new EnumMap<>(AppendResult.class);
          for (int i = 0; i < count; i++) {
            AppendResult result = SpoolTesting.result(appends.get(i));
            counts.merge(result, 1, Integer::sum);
            if (result == AppendResult.APPENDED) {
              out.println("ok " + ids.get(i));
            }
          }
          out.println("done " + counts);
        }
        case "health" -> out.println("health " + spool.health().ready() + " " + spool.health().reason());
        case "batches" -> {
          SpoolWriter.Batches batches = spool.batchesWritten();
          out.println("batches " + batches.onEventLoops() + " " + batches.byWriterThread());
        }
        case "close" -> {
          SpoolTesting.close(spool);
          SpoolTesting.result(vertx.close());
          out.println("closed");
          out.flush();
          return;
        }
        default -> out.println("unknown " + line);
      }
      out.flush();
    }
  }
}
