package io.adtrack.tracker.spool;

import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/** Small helpers the spool tests share. */
final class SpoolTesting {

  static final Duration PATIENCE = Duration.ofSeconds(30);

  private SpoolTesting() {
  }

  /** Waits for a future (the spool's futures complete on its own threads). */
  static <T> T result(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError(e);
    }
  }

  static void close(Spool spool) {
    result(spool.close());
  }

  /** Polls until {@code count} records were handed out (the reader fills its window on its own thread). */
  static List<SpoolRecord> take(Spool spool, int count) {
    List<SpoolRecord> taken = new ArrayList<>();
    await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5)).until(() -> {
      taken.addAll(spool.poll(500, 5L << 20));
      return taken.size() >= count;
    });
    return taken;
  }

  /** Polls and confirms until the spool holds no unconfirmed record; returns what was handed out. */
  static List<SpoolRecord> drain(Spool spool) {
    List<SpoolRecord> taken = new ArrayList<>();
    await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5)).until(() -> {
      List<SpoolRecord> batch = spool.poll(500, 5L << 20);
      batch.forEach(spool::confirm);
      taken.addAll(batch);
      return spool.records() == 0;
    });
    return taken;
  }

  /** Data of {@code size} bytes that differs from record to record. */
  static byte[] payload(int seed, int size) {
    byte[] data = new byte[size];
    for (int i = 0; i < size; i++) {
      data[i] = (byte) (seed * 31 + i);
    }
    return data;
  }

  static List<Path> segmentFiles(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(file -> file.getFileName().toString().endsWith(".seg")).sorted().toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
