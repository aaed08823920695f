package io.adtrack.tracker.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.adtrack.conventions.Backoff;
import io.adtrack.testkit.Draws;
import io.adtrack.tracker.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The sender's batching and retry decisions, driven by a ticker the test moves: no wall clock, no Vert.x, so every
 * assertion is about what is sent when, never about how long something took.
 */
class SendScheduleTest {

  private static final Duration LINGER = Duration.ofMillis(5);

  private final ManualTicker ticker = new ManualTicker();
  private final ProducerBuffer buffer = new ProducerBuffer(20_000, 64L << 20, PutRecordsBatches.MAX_RECORDS, ticker);

  /** A backoff whose every wait is its ceiling: {@code base * 2^(failures-1)}, capped. */
  private static Backoff predictable(Duration base, Duration cap) {
    return Backoff.exponential(base, cap, Draws.highest());
  }

  /** A schedule over this test's buffer, up to four calls in flight. */
  private SendSchedule schedule(Duration linger, Backoff backoff) {
    return new SendSchedule(buffer, linger, 4, backoff);
  }

  private void offer(String prefix, int count) {
    for (int i = 0; i < count; i++) {
      assertThat(buffer.offer(new PendingRecord(prefix + i, new byte[] {(byte) i})))
          .isEqualTo(ProducerBuffer.Offer.ACCEPTED);
    }
  }

  /** Offers {@code count} records and takes the batch the schedule sends now. */
  private List<PendingRecord> offerAndTake(SendSchedule schedule, String prefix, int count) {
    offer(prefix, count);
    return schedule.nextBatch(now());
  }

  private long now() {
    return ticker.read();
  }

  private static List<String> keys(List<PendingRecord> batch) {
    return batch.stream().map(PendingRecord::partitionKey).toList();
  }

  @Test
  void aPartialBatch_waitsForItsLinger_thenGoesWhole() {
    SendSchedule schedule = schedule(LINGER, predictable(LINGER, LINGER));
    long acceptedAt = now();
    offer("m", 6);

    assertThat(schedule.nextBatch(now())).isEmpty();
    assertThat(schedule.nextWakeUpNanos(now())).hasValue(acceptedAt + LINGER.toNanos());
    ticker.advance(LINGER.minusNanos(1));
    assertThat(schedule.nextBatch(now())).isEmpty();
    ticker.advance(Duration.ofNanos(1));

    assertThat(keys(schedule.nextBatch(now()))).containsExactly("m0", "m1", "m2", "m3", "m4", "m5");
    assertThat(schedule.nextBatch(now())).isEmpty();
  }

  @Test
  void fullBatches_goAtOnce_andTheRestLingers() {
    SendSchedule schedule = schedule(LINGER, predictable(LINGER, LINGER));
    offer("m", 1_200);

    assertThat(schedule.nextBatch(now())).hasSize(500);
    assertThat(schedule.nextBatch(now())).hasSize(500);
    assertThat(schedule.nextBatch(now())).as("200 left: a partial batch").isEmpty();
    assertThat(schedule.inFlight()).isEqualTo(2);
  }

  @Test
  void whenFlushing_aPartialBatchGoesAtOnce() {
    SendSchedule schedule = schedule(Duration.ofSeconds(10), predictable(LINGER, LINGER));
    offer("m", 3);
    assertThat(schedule.nextBatch(now())).isEmpty();

    schedule.flush();

    assertThat(keys(schedule.nextBatch(now()))).containsExactly("m0", "m1", "m2");
  }

  @Test
  void noMoreThanMaxInFlightCalls_areOutAtOnce() {
    SendSchedule schedule = new SendSchedule(buffer, LINGER, 2, predictable(LINGER, LINGER));
    List<PendingRecord> first = offerAndTake(schedule, "m", 1_500);
    assertThat(schedule.nextBatch(now())).hasSize(500);

    assertThat(schedule.nextBatch(now())).as("two calls out").isEmpty();
    assertThat(schedule.nextWakeUpNanos(now())).as("a completion will say when").isEmpty();
    schedule.stored(first, List.of(), now());

    assertThat(schedule.nextBatch(now())).hasSize(500);
  }

  @Test
  void onlyTheRefusedEntries_goAgain_eachAfterItsOwnBackoff() {
    Backoff backoff = predictable(Duration.ofMillis(10), Duration.ofSeconds(1));
    SendSchedule schedule = schedule(Duration.ZERO, backoff);
    List<PendingRecord> batch = offerAndTake(schedule, "m", 6);
    List<PendingRecord> refused = List.of(batch.get(1), batch.get(3), batch.get(5));

    schedule.stored(batch, refused, now());
    long due = now() + backoff.ceiling(1).toNanos();

    assertThat(schedule.nextWakeUpNanos(now())).hasValue(due);
    ticker.advance(backoff.ceiling(1).minusNanos(1));
    assertThat(schedule.nextBatch(now())).isEmpty();
    ticker.advance(Duration.ofNanos(1));
    assertThat(keys(schedule.nextBatch(now()))).containsExactly("m1", "m3", "m5");
    assertThat(schedule.retrying()).isZero();
  }

  @Test
  void aRecordRefusedAgain_waitsLongerEachTime() {
    Backoff backoff = predictable(Duration.ofMillis(10), Duration.ofSeconds(1));
    SendSchedule schedule = schedule(Duration.ZERO, backoff);
    offer("stubborn", 1);
    List<PendingRecord> first = offerAndTake(schedule, "fine", 1);
    schedule.stored(first, List.of(first.get(0)), now());
    ticker.advance(backoff.ceiling(1));
    List<PendingRecord> second = schedule.nextBatch(now());
    assertThat(keys(second)).containsExactly("stubborn0");

    schedule.stored(second, second, now());
    long due = now() + backoff.ceiling(2).toNanos();

    assertThat(schedule.nextWakeUpNanos(now())).as("the sender pauses too: that call stored nothing")
        .hasValue(now() + backoff.ceiling(1).toNanos());
    ticker.advance(backoff.ceiling(1));
    assertThat(schedule.nextBatch(now())).isEmpty();
    assertThat(schedule.nextWakeUpNanos(now())).hasValue(due);
    ticker.advance(Duration.ofNanos(due - now()));
    assertThat(keys(schedule.nextBatch(now()))).containsExactly("stubborn0");
  }

  @Test
  void aTenthRefusedOnEveryCall_neverHoldsBackTheOtherRecords() {
    // Steady throttling of a hot shard: each entry refused with probability 0.1. A cap far above what a record's
    // own backoff reaches in a few rounds: pausing the whole sender would show in the time everything takes.
    Duration cap = Duration.ofSeconds(10);
    SplittableRandom throttling = new SplittableRandom(42);
    SendSchedule schedule = schedule(LINGER, Backoff.exponential(LINGER, cap, new SplittableRandom(7)));
    int total = 10_000;
    offer("m", total);
    long start = now();

    Set<String> stored = new HashSet<>();
    List<List<String>> calls = new ArrayList<>();
    while (true) {
      calls.addAll(sendDue(schedule, batch -> {
        List<PendingRecord> refused = batch.stream().filter(record -> throttling.nextInt(10) == 0).toList();
        batch.stream().filter(record -> !refused.contains(record)).forEach(r -> stored.add(r.partitionKey()));
        return refused;
      }));
      if (stored.size() == total) {
        break;
      }
      OptionalLong next = schedule.nextWakeUpNanos(now());
      assertThat(next).as("something left to wake up for").isPresent();
      ticker.advance(Duration.ofNanos(Math.max(1, next.getAsLong() - now())));
    }

    assertThat(calls.subList(0, 20)).as("every record's first try goes in the first 20 calls, at once")
        .allSatisfy(call -> assertThat(call).hasSize(500));
    assertThat(calls.size()).as("20 full batches, plus retries riding along and a short tail").isBetween(20, 80);
    assertThat(Duration.ofNanos(now() - start)).as("no call waited anywhere near the backoff cap")
        .isLessThan(cap.dividedBy(5));
  }

  @Test
  void aCallThatFailsWhole_pausesTheWholeSender_newRecordsIncluded() {
    Backoff backoff = predictable(Duration.ofMillis(50), Duration.ofMillis(100));
    SendSchedule schedule = schedule(Duration.ZERO, backoff);
    List<PendingRecord> batch = offerAndTake(schedule, "first", 1);

    schedule.callFailed(batch, now());
    offer("second", 1);

    assertThat(schedule.nextBatch(now())).as("back to back, this would be thousands of calls").isEmpty();
    assertThat(schedule.nextWakeUpNanos(now())).hasValue(now() + backoff.ceiling(1).toNanos());
    ticker.advance(backoff.ceiling(1).minusNanos(1));
    assertThat(schedule.nextBatch(now())).isEmpty();
    ticker.advance(Duration.ofNanos(1));
    List<PendingRecord> retry = schedule.nextBatch(now());
    assertThat(keys(retry)).as("the failed record first, nothing dropped").containsExactly("first0", "second0");

    schedule.callFailed(retry, now());
    assertThat(schedule.nextWakeUpNanos(now())).as("a second failure in a row waits longer")
        .hasValue(now() + backoff.ceiling(2).toNanos());
  }

  @Test
  void aCallThatStoresNothing_pausesTheWholeSender_andOneThatStoresAnythingEndsThePause() {
    Backoff backoff = predictable(Duration.ofMillis(50), Duration.ofSeconds(1));
    SendSchedule schedule = schedule(Duration.ZERO, backoff);
    List<PendingRecord> refusedWhole = offerAndTake(schedule, "a", 2);
    schedule.stored(refusedWhole, refusedWhole, now());
    offer("b", 1);
    assertThat(schedule.nextBatch(now())).as("paused").isEmpty();

    ticker.advance(backoff.ceiling(1));
    List<PendingRecord> next = schedule.nextBatch(now());
    assertThat(keys(next)).containsExactly("a0", "a1", "b0");
    schedule.stored(next, List.of(next.get(0)), now());
    offer("c", 1);

    assertThat(keys(schedule.nextBatch(now()))).as("stored some: no pause any more").containsExactly("c0");
  }

  @Test
  void recordsRefusedByOneAnswer_goAgainTogether_notAsASplinterOfSmallCalls() {
    SendSchedule schedule = schedule(Duration.ZERO,
        Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(5), new SplittableRandom(3)));
    List<PendingRecord> batch = offerAndTake(schedule, "m", 500);

    schedule.stored(batch, batch.subList(0, 100), now());
    ticker.advance(Duration.ofNanos(schedule.nextWakeUpNanos(now()).orElseThrow() - now()));

    assertThat(schedule.nextBatch(now())).hasSize(100);
  }

  @Test
  void theOldestUnstoredRecord_isFound_waitingInFlightOrHeldForARetry() {
    Backoff backoff = predictable(Duration.ofMillis(50), Duration.ofSeconds(1));
    SendSchedule schedule = schedule(Duration.ZERO, backoff);
    assertThat(schedule.oldestUnstoredAcceptedAtNanos()).as("nothing accepted").isEqualTo(-1);
    long firstAcceptedAt = now();
    offer("first", 2);
    ticker.advance(Duration.ofSeconds(1));
    assertThat(schedule.oldestUnstoredAcceptedAtNanos()).as("waiting in the buffer").isEqualTo(firstAcceptedAt);

    List<PendingRecord> batch = schedule.nextBatch(now());
    offer("second", 1);
    assertThat(schedule.oldestUnstoredAcceptedAtNanos()).as("in a call out").isEqualTo(firstAcceptedAt);

    schedule.stored(batch, List.of(batch.get(1)), now());
    assertThat(schedule.oldestUnstoredAcceptedAtNanos()).as("refused, waiting for its backoff")
        .isEqualTo(firstAcceptedAt);

    ticker.advance(backoff.ceiling(1));
    List<PendingRecord> again = schedule.nextBatch(now());
    assertThat(keys(again)).containsExactly("first1", "second0");
    schedule.callFailed(again, now());
    assertThat(schedule.oldestUnstoredAcceptedAtNanos()).as("back at the front after a failed call")
        .isEqualTo(firstAcceptedAt);

    ticker.advance(backoff.ceiling(2));
    schedule.stored(schedule.nextBatch(now()), List.of(), now());
    assertThat(schedule.oldestUnstoredAcceptedAtNanos()).as("all stored").isEqualTo(-1);
  }

  /** Sends every batch due now to a Kinesis that answers at once with {@code refuse}'s choice; returns the calls. */
  private List<List<String>> sendDue(SendSchedule schedule,
      Function<List<PendingRecord>, List<PendingRecord>> refuse) {
    List<List<String>> calls = new ArrayList<>();
    for (List<PendingRecord> batch = schedule.nextBatch(now()); !batch.isEmpty(); batch = schedule.nextBatch(now())) {
      calls.add(keys(batch));
      schedule.stored(batch, refuse.apply(batch), now());
    }
    return calls;
  }
}
