package io.adtrack.tracker.spool;

import static io.adtrack.tracker.spool.SpoolTesting.PATIENCE;
import static io.adtrack.tracker.spool.SpoolTesting.close;
import static io.adtrack.tracker.spool.SpoolTesting.drain;
import static io.adtrack.tracker.spool.SpoolTesting.payload;
import static io.adtrack.tracker.spool.SpoolTesting.result;
import static io.adtrack.tracker.spool.SpoolTesting.segmentFiles;
import static io.adtrack.tracker.spool.SpoolTesting.take;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

  @TempDir
  Path dir;

  private final List<Spool> opened = new ArrayList<>();

  @AfterEach
  void closeSpools() {
    opened.forEach(SpoolTesting::close);
  }

  private Spool open(SpoolOptions options) {
    return open(options, SpoolTime.SYSTEM);
  }

  private Spool open(SpoolOptions options, SpoolTime time) {
    Spool spool = Spool.open(options, time);
    opened.add(spool);
    return spool;
  }

  private SpoolOptions options() {
    return SpoolOptions.of(dir, 64L << 20, Duration.ZERO);
  }

  @Test
  void appendedRecords_areHandedOutInAppendOrder_withTheirIdsAndData() {
    Spool spool = open(options());

    for (int i = 0; i < 20; i++) {
      assertThat(result(spool.append("id-" + i, payload(i, 300 + i)))).isEqualTo(AppendResult.APPENDED);
    }

    List<SpoolRecord> records = take(spool, 20);
    assertThat(records).extracting(SpoolRecord::messageId)
        .containsExactlyElementsOf(IntStream.range(0, 20).mapToObj(i -> "id-" + i).toList());
    assertThat(records.get(7).data()).isEqualTo(payload(7, 307));
    assertThat(records.get(7).size()).isEqualTo(307 + "id-7".length());
    assertThat(records).extracting(SpoolRecord::sequence).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void aSegmentIsDeleted_onceEveryRecordInIt_isConfirmed_inWhateverOrder() {
    int frame = Frame.size(6, 500);
    Spool spool = open(options().withSegmentBytes(10L * frame));
    for (int i = 0; i < 35; i++) {
      assertThat(result(spool.append(String.format("id-%03d", i), payload(i, 500)))).isEqualTo(AppendResult.APPENDED);
    }
    // Appended one at a time, so ten records a segment: 0-9, 10-19, 20-29, and 30-34 in the active one.
    List<Path> files = segmentFiles(dir);
    assertThat(files).hasSize(4);
    List<SpoolRecord> records = take(spool, 35);

    List<SpoolRecord> firstSegmentButOne = new ArrayList<>(records.subList(0, 10));
    SpoolRecord heldBack = firstSegmentButOne.remove(4);
    List<SpoolRecord> secondSegment = new ArrayList<>(records.subList(10, 20));
    Collections.shuffle(firstSegmentButOne, new Random(1));
    Collections.shuffle(secondSegment, new Random(2));
    firstSegmentButOne.forEach(spool::confirm);
    secondSegment.forEach(spool::confirm);
    secondSegment.forEach(spool::confirm); // confirming twice changes nothing

    // The pass that deleted the second segment looked at the first one too, and left it: one record is missing.
    await().atMost(PATIENCE).until(() -> !Files.exists(files.get(1)));
    assertThat(files.get(0)).exists();
    assertThat(files.get(2)).exists();
    assertThat(spool.records()).isEqualTo(35 - 19);

    spool.confirm(heldBack);
    await().atMost(PATIENCE).until(() -> !Files.exists(files.get(0)));
    assertThat(spool.segments()).isEqualTo(2);
  }

  @Test
  void afterARestart_whatWasNotConfirmed_isHandedOutAgain() {
    Spool first = open(options());
    for (int i = 0; i < 100; i++) {
      result(first.append("id-" + i, payload(i, 400)));
    }
    List<SpoolRecord> records = take(first, 100);
    records.subList(0, 60).forEach(first::confirm);
    close(first);

    Spool second = open(options());

    assertThat(second.replayedAtStart()).isEqualTo(40);
    assertThat(second.records()).isEqualTo(40);
    List<SpoolRecord> again = take(second, 40);
    assertThat(again).extracting(SpoolRecord::messageId)
        .containsExactlyElementsOf(IntStream.range(60, 100).mapToObj(i -> "id-" + i).toList());
    assertThat(again.get(0).data()).isEqualTo(payload(60, 400));

    // New records follow the replayed ones, and are replayed in turn if not confirmed.
    result(second.append("new", payload(1, 10)));
    assertThat(take(second, 1).get(0).sequence()).isGreaterThan(again.get(39).sequence());
  }

  @Test
  void confirmedOutOfOrder_aRestartSendsAgainFromTheLowestUnconfirmed_atLeastOnce() {
    Spool first = open(options());
    for (int i = 0; i < 10; i++) {
      result(first.append("id-" + i, payload(i, 100)));
    }
    List<SpoolRecord> records = take(first, 10);
    records.stream().filter(r -> !r.messageId().equals("id-3")).forEach(first::confirm);
    close(first);

    Spool second = open(options());

    assertThat(take(second, 7)).extracting(SpoolRecord::messageId).startsWith("id-3", "id-4").hasSize(7);
  }

  @Test
  void whenTheBoundIsReached_appendsAreFull_andTakenAgainOnceConfirmedSegmentsAreGone() {
    int frame = Frame.size(8, 1000);
    Spool spool = open(options().withSegmentBytes(8L * frame).withMaxBytes(40L * frame));

    List<AppendResult> results = new ArrayList<>();
    for (int i = 0; i < 45; i++) {
      results.add(result(spool.append(String.format("id-%05d", i), payload(i, 1000))));
    }

    assertThat(results.subList(0, 40)).containsOnly(AppendResult.APPENDED);
    assertThat(results.subList(40, 45)).containsOnly(AppendResult.FULL);
    assertThat(spool.bytes()).isEqualTo(40L * frame);
    assertThat(spool.health().ready()).isFalse();
    assertThat(spool.health().reason()).contains("100% full");

    drain(spool);
    await().atMost(PATIENCE).until(() -> spool.bytes() < 10L * frame);
    assertThat(result(spool.append("id-again", payload(1, 1000)))).isEqualTo(AppendResult.APPENDED);
    assertThat(spool.health().ready()).isTrue();
  }

  @Test
  void whileTheWriterIsStuck_appendsWaitingInMemoryAreBounded_andTheRestAreFull() {
    FakeTime time = new FakeTime();
    GatedSync sync = new GatedSync();
    int frame = Frame.size(6, 1000);
    Spool spool = Spool.open(options().withFsyncInterval(Duration.ofMillis(10)).withMaxPendingBytes(10L * frame),
        time, sync);
    opened.add(spool);
    Future<AppendResult> first = spool.append("id-000", payload(0, 1000));
    sync.awaitForceCalls(1); // the writer now hangs in fsync, as on a stalled disk

    List<Future<AppendResult>> waiting = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      waiting.add(spool.append(String.format("id-%03d", i), payload(i, 1000)));
    }
    Future<AppendResult> beyond = spool.append("id-011", payload(11, 1000));

    assertThat(beyond.isComplete()).isTrue();
    assertThat(result(beyond)).isEqualTo(AppendResult.FULL);
    assertThat(waiting).noneMatch(Future::isComplete);
    sync.openForGood();
    time.advance(Duration.ofMillis(10));
    assertThat(result(first)).isEqualTo(AppendResult.APPENDED);
    waiting.forEach(append -> assertThat(result(append)).isEqualTo(AppendResult.APPENDED));
  }

  @Test
  void theWatermarkIsSavedWhileRunning_soACrashWouldSendAgainOnlyWhatWasNotConfirmed() {
    FakeTime time = new FakeTime();
    Spool spool = open(options(), time);
    for (int i = 0; i < 10; i++) {
      result(spool.append("id-" + i, payload(i, 100)));
    }
    List<SpoolRecord> records = take(spool, 10);
    records.subList(0, 6).forEach(spool::confirm);
    spool.confirm(records.get(8));

    time.advance(Duration.ofSeconds(1));

    await().atMost(PATIENCE).until(() -> Checkpoint.read(dir) == records.get(6).sequence());
  }

  @Test
  void aRecordOverTheLimit_isTooLarge() {
    Spool spool = open(options().withMaxRecordBytes(1000));

    assertThat(result(spool.append("id", new byte[998]))).isEqualTo(AppendResult.APPENDED);
    assertThat(result(spool.append("id", new byte[999]))).isEqualTo(AppendResult.TOO_LARGE);
    assertThat(result(spool.append("x".repeat(257), new byte[1]))).isEqualTo(AppendResult.TOO_LARGE);
  }

  @Test
  void aDirectoryThatIsMissing_notADirectory_orAlreadyOpen_isAClearError() throws IOException {
    Path missing = dir.resolve("missing");
    assertThatThrownBy(() -> Spool.open(SpoolOptions.of(missing, 1 << 20, Duration.ZERO)))
        .isInstanceOf(SpoolOpenException.class)
        .hasMessage("spool directory " + missing + " does not exist");

    Path file = Files.writeString(dir.resolve("file"), "x");
    assertThatThrownBy(() -> Spool.open(SpoolOptions.of(file, 1 << 20, Duration.ZERO)))
        .isInstanceOf(SpoolOpenException.class)
        .hasMessage("spool directory " + file + " is not a directory");

    open(options());
    assertThatThrownBy(() -> Spool.open(options()))
        .isInstanceOf(SpoolOpenException.class)
        .hasMessage("spool directory " + dir + " is already open in this process");
  }

  @Test
  void withFsync_anAppendIsAnswered_onlyAfterTheFsyncThatCoversIt_atMostOncePerInterval() throws Exception {
    FakeTime time = new FakeTime();
    GatedSync sync = new GatedSync();
    Spool spool = Spool.open(options().withFsyncInterval(Duration.ofMillis(50)), time, sync);
    opened.add(spool);

    Future<AppendResult> first = spool.append("first", payload(1, 300));
    sync.awaitForceCalls(1);
    assertThat(first.isComplete()).as("answered while its fsync is still running").isFalse();
    sync.release();
    assertThat(result(first)).isEqualTo(AppendResult.APPENDED);

    assertThat(take(spool, 1)).extracting(SpoolRecord::messageId).containsExactly("first");

    long sizeAfterFirst = Files.size(segmentFiles(dir).get(0));
    Future<AppendResult> second = spool.append("second", payload(2, 300));
    await().atMost(PATIENCE).until(() -> Files.size(segmentFiles(dir).get(0)) > sizeAfterFirst);
    // Written, but the clock has not moved: no second fsync may start yet, so no answer, and nothing to send.
    assertThat(sync.forceCalls()).isEqualTo(1);
    assertThat(second.isComplete()).isFalse();
    assertThat(spool.poll(10, 1 << 20)).isEmpty();

    time.advance(Duration.ofMillis(50));
    sync.awaitForceCalls(2);
    assertThat(second.isComplete()).isFalse();
    sync.release();
    assertThat(result(second)).isEqualTo(AppendResult.APPENDED);
    assertThat(take(spool, 1)).extracting(SpoolRecord::messageId).containsExactly("second");
    sync.openForGood();
  }

  @Test
  void anAppendFromAnEventLoop_isAnsweredOnThatEventLoop() throws Exception {
    Spool spool = open(options());
    Vertx vertx = Vertx.vertx();
    try {
      Context context = vertx.getOrCreateContext();
      CompletableFuture<Boolean> onCallersContext = new CompletableFuture<>();
      context.runOnContext(v -> spool.append("id", payload(1, 100))
          .onComplete(done -> onCallersContext.complete(Vertx.currentContext() == context
              && Thread.currentThread().getName().startsWith("vert.x-eventloop"))));

      assertThat(onCallersContext.get(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    } finally {
      result(vertx.close());
    }
  }

  @Test
  void theAppendsOfOneEventLoopTurn_areWrittenByThatLoop_inOneBatch_notHandedToTheWriterThread() throws Exception {
    Spool spool = open(options());
    Vertx vertx = Vertx.vertx();
    try {
      List<Future<AppendResult>> appends = onEventLoop(vertx, () -> IntStream.range(0, 20)
          .mapToObj(i -> spool.append("id-" + i, payload(i, 100))).toList());

      assertThat(appends).allSatisfy(append -> assertThat(result(append)).isEqualTo(AppendResult.APPENDED));
      assertThat(spool.batchesWritten()).isEqualTo(new SpoolWriter.Batches(1, 0));
      assertThat(take(spool, 20)).extracting(SpoolRecord::messageId)
          .containsExactlyElementsOf(IntStream.range(0, 20).mapToObj(i -> "id-" + i).toList());
    } finally {
      result(vertx.close());
    }
  }

  @Test
  void afterASlowWriteOnAnEventLoop_theWriterThreadWritesForASecond_thenTheLoopsAgain() throws Exception {
    FakeTime time = new FakeTime();
    AtomicBoolean slowDisk = new AtomicBoolean(true);
    // Each look at the clock from a loop while the disk is "slow" finds the threshold gone: the loop's write is slow.
    SpoolTime slowOnLoops = new SpoolTime() {
      @Override
      public long nanoTime() {
        if (slowDisk.get() && Context.isOnEventLoopThread()) {
          time.advance(Duration.ofNanos(SpoolWriter.SLOW_LOOP_WRITE_NANOS));
        }
        return time.nanoTime();
      }

      @Override
      public long currentTimeMillis() {
        return time.currentTimeMillis();
      }
    };
    Spool spool = open(options(), slowOnLoops);
    Vertx vertx = Vertx.vertx();
    try {
      assertThat(result(onEventLoop(vertx, () -> spool.append("slow", payload(1, 100)))))
          .isEqualTo(AppendResult.APPENDED);
      assertThat(spool.batchesWritten()).isEqualTo(new SpoolWriter.Batches(1, 0));
      slowDisk.set(false);

      assertThat(result(onEventLoop(vertx, () -> spool.append("handed-over", payload(2, 100)))))
          .isEqualTo(AppendResult.APPENDED);
      assertThat(spool.batchesWritten()).as("handed to the writer thread").isEqualTo(new SpoolWriter.Batches(1, 1));

      time.advance(Duration.ofNanos(SpoolWriter.HAND_OVER_NANOS));
      assertThat(result(onEventLoop(vertx, () -> spool.append("on-the-loop-again", payload(3, 100)))))
          .isEqualTo(AppendResult.APPENDED);
      assertThat(spool.batchesWritten()).as("back on the loop").isEqualTo(new SpoolWriter.Batches(2, 1));
      assertThat(take(spool, 3)).extracting(SpoolRecord::messageId)
          .containsExactly("slow", "handed-over", "on-the-loop-again");
    } finally {
      result(vertx.close());
    }
  }

  @Test
  void withFsync_theWriterThreadWrites_forTheAnswerWaitsForItsFsyncAnyway() throws Exception {
    Spool spool = open(options().withFsyncInterval(Duration.ofMillis(1)));
    Vertx vertx = Vertx.vertx();
    try {
      assertThat(result(onEventLoop(vertx, () -> spool.append("synced", payload(1, 100)))))
          .isEqualTo(AppendResult.APPENDED);
      assertThat(spool.batchesWritten()).isEqualTo(new SpoolWriter.Batches(0, 1));
    } finally {
      result(vertx.close());
    }
  }

  @Test
  void appendsFromSeveralEventLoopsAndAPlainThread_atOnce_areAllKept_eachSourceInItsOrder() throws Exception {
    Spool spool = open(options().withSegmentBytes(256 * 1024));
    Vertx vertx = Vertx.vertx();
    try {
      int turns = 40;
      int perTurn = 50;
      List<Future<AppendResult>> appends = Collections.synchronizedList(new ArrayList<>());
      List<CompletableFuture<Void>> sources = new ArrayList<>();
      for (int loop = 0; loop < 4; loop++) {
        String source = "loop" + loop;
        Context context = vertx.getOrCreateContext();
        CompletableFuture<Void> done = new CompletableFuture<>();
        sources.add(done);
        // Each turn a task of its own, so the loops' turns and the writer thread's batches interleave.
        for (int turn = 0; turn < turns; turn++) {
          int first = turn * perTurn;
          boolean last = turn == turns - 1;
          context.runOnContext(v -> {
            for (int i = first; i < first + perTurn; i++) {
              appends.add(spool.append(source + "-" + i, payload(i, 200)));
            }
            if (last) {
              done.complete(null);
            }
          });
        }
      }
      CompletableFuture<Void> plain = CompletableFuture.runAsync(() -> {
        for (int i = 0; i < turns * perTurn; i++) {
          appends.add(spool.append("thread-" + i, payload(i, 200)));
        }
      });
      sources.add(plain);
      CompletableFuture.allOf(sources.toArray(CompletableFuture[]::new))
          .get(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);

      assertThat(appends).hasSize(5 * turns * perTurn)
          .allSatisfy(append -> assertThat(result(append)).isEqualTo(AppendResult.APPENDED));
      List<SpoolRecord> records = drain(spool);
      assertThat(records).extracting(SpoolRecord::sequence).doesNotHaveDuplicates();
      for (String source : List.of("loop0", "loop1", "loop2", "loop3", "thread")) {
        assertThat(records.stream().map(SpoolRecord::messageId).filter(id -> id.startsWith(source + "-")))
            .as(source).containsExactlyElementsOf(
                IntStream.range(0, turns * perTurn).mapToObj(i -> source + "-" + i).toList());
      }
      assertThat(spool.skippedRecords()).isZero();
    } finally {
      result(vertx.close());
    }
  }

  /** Runs {@code appends} in one turn of an event loop, as an HTTP request's handler would. */
  private static <T> T onEventLoop(Vertx vertx, Supplier<T> appends) throws Exception {
    CompletableFuture<T> made = new CompletableFuture<>();
    vertx.getOrCreateContext().runOnContext(v -> made.complete(appends.get()));
    return made.get(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
  }

  @Test
  void metrics_countBytesRecordsSegments_andTheAgeOfTheOldestUnconfirmedRecord() {
    FakeTime time = new FakeTime();
    Spool spool = open(options(), time);
    assertThat(spool.oldestUnconfirmedAgeMillis()).isZero();

    for (int i = 0; i < 10; i++) {
      result(spool.append("id-" + i, payload(i, 200)));
    }
    time.advance(Duration.ofSeconds(5));
    List<SpoolRecord> records = take(spool, 10);

    assertThat(spool.records()).isEqualTo(10);
    assertThat(spool.bytes()).isEqualTo(10L * Frame.size(4, 200));
    assertThat(spool.segments()).isEqualTo(1);
    assertThat(spool.oldestUnconfirmedAgeMillis()).isEqualTo(5000);

    records.subList(1, 10).forEach(spool::confirm);
    assertThat(spool.records()).isEqualTo(1);
    assertThat(spool.oldestUnconfirmedAgeMillis()).as("the first one is still out").isEqualTo(5000);

    spool.confirm(records.get(0));
    assertThat(spool.records()).isZero();
    assertThat(spool.oldestUnconfirmedAgeMillis()).isZero();
    assertThat(spool.replayedAtStart()).isZero();
    assertThat(spool.skippedRecords()).isZero();
  }

  @Test
  void theReadAheadIsBounded_soABacklogStaysOnDisk() {
    Spool spool = open(options().withReadAhead(100, 1L << 20));
    List<Future<AppendResult>> appends = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      appends.add(spool.append("id-" + i, payload(i, 500)));
    }
    appends.forEach(append -> assertThat(result(append)).isEqualTo(AppendResult.APPENDED));

    await().atMost(PATIENCE).until(() -> spool.waiting() == 100);
    assertThat(spool.readAheadBytes()).isLessThanOrEqualTo(1L << 20);
    assertThat(spool.records()).isEqualTo(5_000);

    List<SpoolRecord> batch = spool.poll(500, 5L << 20);
    assertThat(batch).hasSize(100);
    await().atMost(PATIENCE).until(() -> spool.waiting() == 100);
    assertThat(spool.poll(500, 5L << 20).get(0).messageId()).isEqualTo("id-100");
  }

  @Test
  void pollTakesAtMostTheGivenRecordsAndBytes() {
    Spool spool = open(options());
    for (int i = 0; i < 10; i++) {
      result(spool.append("id-" + i, payload(i, 96)));
    }
    await().atMost(PATIENCE).until(() -> spool.waiting() == 10);

    assertThat(spool.poll(3, 1 << 20)).hasSize(3);
    assertThat(spool.poll(10, 250)).hasSize(2);
    assertThat(spool.poll(10, 1)).as("the first record always goes").hasSize(1);
  }

  @Test
  void close_answersWhatItTook_refusesTheRest_andKeepsEverythingAnswered() {
    Spool spool = Spool.open(options());
    List<Future<AppendResult>> appends = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      appends.add(spool.append("id-" + i, payload(i, 300)));
      if (i == 1_000) {
        spool.close();
      }
    }
    result(spool.close());

    long appended = appends.stream().map(SpoolTesting::result).filter(AppendResult.APPENDED::equals).count();
    assertThat(appends.stream().map(SpoolTesting::result))
        .containsOnly(AppendResult.APPENDED, AppendResult.CLOSED)
        .endsWith(AppendResult.CLOSED);
    assertThat(spool.health().reason()).isEqualTo("spool closed");

    Spool reopened = open(options());
    assertThat(reopened.replayedAtStart()).isEqualTo(appended);
    assertThat(reopened.skippedRecords()).isZero();
  }

  @Test
  void anIdleSpool_whoseRecordsAreAllConfirmed_givesItsDiskBack() {
    FakeTime time = new FakeTime();
    Spool spool = open(options(), time);
    for (int i = 0; i < 200; i++) {
      result(spool.append("id-" + i, payload(i, 500)));
    }
    drain(spool);
    assertThat(segmentFiles(dir)).as("still being written to, as far as the spool knows").hasSize(1);

    time.advance(Duration.ofSeconds(1));

    await().atMost(PATIENCE).until(() -> segmentFiles(dir).isEmpty());
    assertThat(spool.bytes()).isZero();
    assertThat(spool.segments()).isZero();
    assertThat(result(spool.append("later", payload(1, 500)))).isEqualTo(AppendResult.APPENDED);
    assertThat(take(spool, 1)).extracting(SpoolRecord::messageId).containsExactly("later");
  }

  @Test
  void aDrainedSpool_leavesNoSegmentBehind() {
    Spool spool = Spool.open(options().withSegmentBytes(4096));
    for (int i = 0; i < 50; i++) {
      result(spool.append("id-" + i, payload(i, 300)));
    }
    drain(spool);
    close(spool);

    assertThat(segmentFiles(dir)).isEmpty();
    Spool reopened = open(options());
    assertThat(reopened.replayedAtStart()).isZero();
    assertThat(reopened.records()).isZero();
  }
}
