package io.adtrack.tracker.event;

import io.adtrack.tracker.metrics.Outcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls refused for a reason of their own (400, 404, 410), told in the log per program once per interval rather
 * than once per call: one INFO line per program and outcome with the count and the last reason given, whose JSON
 * form (LOG_FORMAT=json) carries {@code programId}, {@code outcome}, {@code rejected} and {@code reason} as fields.
 * That is what the stack's Logs Insights query "a program's rejections" reads; the metrics count the same calls, but
 * never by program. The hot path pays one map update per rejected call, nothing per accepted one.
 *
 * <p>Bounded whatever the traffic: at most {@link #MAX_TRACKED} program-and-outcome pairs are told apart per interval
 * (calls with random program ids would otherwise grow it without end), and the {@link #MAX_LINES} with the most
 * rejections get a line each; one more line sums up the rest. Thread-safe: the HTTP event loops record, a timer
 * flushes.
 */
public final class RejectionDigest {

  /** Program-and-outcome pairs told apart in one interval; calls of further pairs are only counted. */
  static final int MAX_TRACKED = 1_000;
  /** Lines per flush, the pairs with the most rejections first. */
  static final int MAX_LINES = 100;

  private static final Logger LOG = LoggerFactory.getLogger(RejectionDigest.class);

  private final ConcurrentHashMap<Key, Tally> tallies = new ConcurrentHashMap<>();
  private final LongAdder untracked = new LongAdder();

  /** One call of a program was refused: {@code reason} is the message its caller got. */
  public void record(String programId, Outcome outcome, String reason) {
    Key key = new Key(programId, outcome);
    if (tallies.size() >= MAX_TRACKED && !tallies.containsKey(key)) {
      untracked.increment();
      return;
    }
    // compute runs under the map's lock for this key, and flush takes a tally out under the same lock: no count
    // lands in a tally that has already been told.
    tallies.compute(key, (k, tally) -> (tally == null ? new Tally() : tally).add(reason));
  }

  /** Logs what was recorded since the last flush, and forgets it. */
  public void flush() {
    List<Told> taken = new ArrayList<>();
    for (Key key : tallies.keySet()) {
      Tally tally = tallies.remove(key);
      if (tally != null) {
        taken.add(new Told(key, tally.count, tally.lastReason));
      }
    }
    taken.sort(Comparator.comparingLong(Told::count).reversed()
        .thenComparing(told -> told.key().programId()).thenComparing(told -> told.key().outcome()));
    for (Told told : taken.subList(0, Math.min(MAX_LINES, taken.size()))) {
      LOG.atInfo()
          .addKeyValue("programId", told.key().programId())
          .addKeyValue("outcome", told.key().outcome().tag())
          .addKeyValue("rejected", told.count())
          .addKeyValue("reason", told.lastReason())
          .log("Rejected calls of program {} since the last digest: {} as {}; last reason: {}",
              told.key().programId(), told.count(), told.key().outcome().tag(), told.lastReason());
    }
    long restCalls = untracked.sumThenReset();
    for (Told told : taken.subList(Math.min(MAX_LINES, taken.size()), taken.size())) {
      restCalls += told.count();
    }
    if (restCalls > 0) {
      LOG.atInfo()
          .addKeyValue("rejected", restCalls)
          .log("Rejected calls of programs not listed above since the last digest: {}", restCalls);
    }
  }

  private record Key(String programId, Outcome outcome) {
  }

  private record Told(Key key, long count, String lastReason) {
  }

  /** Mutated only inside the map's compute for its key. */
  private static final class Tally {
    private long count;
    private String lastReason;

    Tally add(String reason) {
      count++;
      lastReason = reason;
      return this;
    }
  }
}
