package io.adtrack.tracker.spool;

import static io.adtrack.tracker.spool.SpoolTesting.PATIENCE;
import static io.adtrack.tracker.spool.SpoolTesting.close;
import static io.adtrack.tracker.spool.SpoolTesting.drain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool in a JVM of its own ({@link SpoolChild}), killed with SIGKILL while appending, or starved of disk by a
 * file-size limit, then opened again here: nothing it answered APPENDED is missing.
 */
class SpoolCrashTest {

  private static final Logger LOG = LoggerFactory.getLogger(SpoolCrashTest.class);
  private static final Pattern APPENDED =
      Pattern.compile("ok ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");

  @TempDir
  Path dir;

  @ParameterizedTest(name = "fsync every {0} ms")
  @ValueSource(ints = {0, 5})
  void aKill9WhileThreeThreadsAppend_losesNoRecordThatWasAnsweredAppended(int fsyncMillis) throws Exception {
    Set<String> appended = new HashSet<>();
    Consumer<String> collect = line -> appendedId(line, appended);
    try (ChildJvm child = ChildJvm.start(List.of(), "flood", dir.toString(), "3", Integer.toString(fsyncMillis))) {
      child.awaitLine(line -> line.startsWith("ok "), collect);
      long firstAnswer = System.nanoTime();
      // 20,000 answers, or a few seconds' worth when a busy disk makes fsync slow: enough to be killed mid-flight.
      await().atMost(PATIENCE).pollInterval(Duration.ofMillis(2)).until(() -> {
        child.takeLines(collect);
        return appended.size() >= 20_000
            || appended.size() >= 2_000 && System.nanoTime() - firstAnswer > TimeUnit.SECONDS.toNanos(5);
      });
      child.kill(collect);
    }

    Spool spool = Spool.open(SpoolOptions.of(dir, 1L << 30, Duration.ZERO));
    try {
      long replayed = spool.replayedAtStart();
      long skipped = spool.skippedRecords();
      Set<String> recovered = new HashSet<>();
      drain(spool).forEach(record -> assertThat(recovered.add(record.messageId())).isTrue());
      Set<String> missing = new HashSet<>(appended);
      missing.removeAll(recovered);
      LOG.info("fsync {} ms: {} answered APPENDED before SIGKILL, {} in the spool after it ({} replayed), {} missing,"
          + " {} skipped as torn", fsyncMillis, appended.size(), recovered.size(), replayed, missing.size(), skipped);

      assertThat(missing).as("answered APPENDED but not in the spool").isEmpty();
      assertThat(skipped).as("at most the one write the kill cut short").isLessThanOrEqualTo(1);
      assertThat(recovered).hasSize((int) replayed);
    } finally {
      close(spool);
    }
  }

  @Test
  void aSpoolOpenInAnotherProcess_isRefused_andFreeOnceThatProcessIsKilled() throws Exception {
    try (ChildJvm child = ChildJvm.start(List.of(), "hold", dir.toString())) {
      child.awaitLine("open"::equals);

      assertThatThrownBy(() -> Spool.open(SpoolOptions.of(dir, 1 << 20, Duration.ZERO)))
          .isInstanceOf(SpoolOpenException.class)
          .hasMessage("spool directory " + dir + " is in use by another process");

      child.kill(line -> { });
    }
    close(Spool.open(SpoolOptions.of(dir, 1 << 20, Duration.ZERO)));
  }

  /**
   * Disk full for real, without root: the child runs under a file-size limit (RLIMIT_FSIZE; the JVM ignores
   * SIGXFSZ, so writes past it fail with EFBIG, and a write across it is cut short, as with ENOSPC). The limit is
   * then lifted on the running process, as if space had been freed.
   */
  @Test
  void whenTheDiskTakesNoMore_appendsAreUnavailable_nothingIsCorrupted_andItRecoversByItself() throws Exception {
    long limit = 256 * 1024;
    Set<String> appended = new HashSet<>();
    Consumer<String> collect = line -> appendedId(line, appended);
    try (ChildJvm child = ChildJvm.start(List.of("prlimit", "--fsize=" + limit + ":"), "commands", dir.toString(),
        Long.toString(1L << 20))) {
      child.awaitLine("ready"::equals);

      child.send("append 1000 500");
      String done = child.awaitLine(line -> line.startsWith("done "), collect);
      int ok = count(done, "APPENDED");
      assertThat(ok).as(done).isPositive().isLessThan(1000);
      assertThat(count(done, "UNAVAILABLE")).as(done).isEqualTo(1000 - ok);
      long frame = Frame.size(36, 500);
      assertThat(ok * frame).as("filled up to the limit: whole frames kept, the torn one cut off")
          .isLessThanOrEqualTo(limit).isGreaterThan(limit - frame);
      child.send("health");
      assertThat(child.awaitLine(line -> line.startsWith("health "))).startsWith("health false ")
          .contains("File too large");
      child.send("batches");
      assertThat(child.awaitLine(line -> line.startsWith("batches "))).as("the event loop wrote, and failed, itself")
          .isEqualTo("batches 1 0");

      Process lift = new ProcessBuilder("prlimit", "--pid", Long.toString(child.pid()), "--fsize=unlimited:")
          .inheritIO().start();
      assertThat(lift.waitFor(30, TimeUnit.SECONDS) && lift.exitValue() == 0).as("prlimit lifted the limit").isTrue();
      // No traffic meanwhile: the idle spool finds out by itself (its probe), as it must while readiness is red.
      await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).until(() -> {
        child.send("health");
        return child.awaitLine(line -> line.startsWith("health ")).startsWith("health true");
      });

      child.send("append 200 500");
      assertThat(child.awaitLine(line -> line.startsWith("done "), collect)).isEqualTo("done {APPENDED=200}");
      child.send("close");
      child.awaitLine("closed"::equals);
      assertThat(child.waitForExit()).isZero();
      assertThat(appended).hasSize(ok + 200);
    }

    Spool spool = Spool.open(SpoolOptions.of(dir, 1L << 30, Duration.ZERO));
    try {
      assertThat(spool.skippedRecords()).as("no half-written batch was left to read").isZero();
      Set<String> recovered = new HashSet<>();
      drain(spool).forEach(record -> recovered.add(record.messageId()));
      assertThat(recovered).as("exactly what was answered APPENDED").isEqualTo(appended);
    } finally {
      close(spool);
    }
  }

  private static void appendedId(String line, Set<String> appended) {
    Matcher matcher = APPENDED.matcher(line);
    if (matcher.matches()) {
      appended.add(matcher.group(1));
    }
  }

  private static int count(String done, String result) {
    Matcher matcher = Pattern.compile(result + "=(\\d+)").matcher(done);
    return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
  }
}
