package io.adtrack.tracker.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.adtrack.tracker.ManualTicker;
import io.adtrack.tracker.config.TrackerConfig;
import io.adtrack.tracker.program.Program;
import io.adtrack.tracker.program.ProgramChange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ProgramCacheTest {

  private static final Duration TTL = Duration.ofMinutes(10);
  private static final Duration NEGATIVE_TTL = Duration.ofSeconds(5);
  /** Guava splits the bound over segments: ten times the programs a test holds keeps every segment far from it. */
  private static final int MAX_PROGRAMS = 1_000;
  private static final int KNOWN = 100;
  private static final int MAX_UNKNOWN = 20;
  private static final int MAX_LOADS = 3;

  private final List<CompletableFuture<Optional<Program>>> loads = new CopyOnWriteArrayList<>();
  private final ManualTicker ticker = new ManualTicker();
  private final ProgramCache cache = ProgramCache.create(new TrackerConfig.Cache(MAX_PROGRAMS, TTL, NEGATIVE_TTL,
      MAX_UNKNOWN, MAX_LOADS), id -> {
    CompletableFuture<Optional<Program>> load = new CompletableFuture<>();
    loads.add(load);
    return load;
  }, CacheStats.NONE, ticker);

  private static Program program(String id, long version, String name) {
    return new Program(id, name, OptionalLong.empty(), "", Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), version, Optional.empty());
  }

  private String nameOf(String id) {
    return ((ProgramEntry.Known) cache.cached(id)).program().programName();
  }

  @Test
  void concurrentMisses_forOneId_shareOneLoad() {
    List<CompletionStage<ProgramEntry>> waiting = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      waiting.add(cache.load("p"));
    }

    assertThat(loads).hasSize(1);
    loads.get(0).complete(Optional.of(program("p", 1, "one")));
    assertThat(waiting).allSatisfy(stage ->
        assertThat(stage.toCompletableFuture().join()).isInstanceOf(ProgramEntry.Known.class));
    assertThat(nameOf("p")).isEqualTo("one");
    cache.load("p");
    assertThat(loads).as("a later miss loads again").hasSize(2);
  }

  @Test
  void aFailedLoad_isNotCached_andFailsEveryWaiter() {
    CompletionStage<ProgramEntry> first = cache.load("p");
    CompletionStage<ProgramEntry> second = cache.load("p");
    loads.get(0).completeExceptionally(new CoreDataUnavailableException("down", null));

    assertThat(first.toCompletableFuture()).isCompletedExceptionally();
    assertThat(second.toCompletableFuture()).isCompletedExceptionally();
    assertThat(cache.cached("p")).isNull();
  }

  @Test
  void anEmptyLoad_isCachedAsUnknown_untilTheNegativeTtlHasPassed() {
    cache.load("ghost");
    loads.get(0).complete(Optional.empty());

    assertThat(cache.cached("ghost")).isInstanceOf(ProgramEntry.Unknown.class);
    ticker.advance(NEGATIVE_TTL.minusNanos(1));
    assertThat(cache.cached("ghost")).as("still known to be unknown").isInstanceOf(ProgramEntry.Unknown.class);
    ticker.advance(Duration.ofNanos(1));
    assertThat(cache.cached("ghost")).as("asked again: a program created meanwhile shows up").isNull();
    cache.load("ghost");
    assertThat(loads).hasSize(2);
  }

  @Test
  void aProgram_isServedFromL1_untilTheTtlAfterItWasWritten() {
    cache.load("p");
    loads.get(0).complete(Optional.of(program("p", 1, "one")));
    ticker.advance(TTL.minusSeconds(1));
    assertThat(nameOf("p")).isEqualTo("one");

    ticker.advance(Duration.ofSeconds(1));

    assertThat(cache.cached("p")).isNull();
    cache.evictExpired();
    assertThat(cache.size()).as("housekeeping drops it without traffic").isZero();
  }

  @Test
  void aTombstone_expiresWithTheTtl_likeAnyEntry() {
    cache.apply(new ProgramChange.Deletion("p", 2));
    ticker.advance(TTL.minusNanos(1));
    assertThat(cache.cached("p")).isEqualTo(new ProgramEntry.Deleted(2));

    ticker.advance(Duration.ofNanos(1));

    assertThat(cache.cached("p")).isNull();
  }

  @Test
  void aLowerOrEqualVersion_neverOverwritesAHigherOne() {
    cache.apply(new ProgramChange.Upsert(program("p", 5, "five")));
    cache.apply(new ProgramChange.Upsert(program("p", 4, "four")));
    cache.apply(new ProgramChange.Upsert(program("p", 5, "five again")));
    assertThat(nameOf("p")).isEqualTo("five");

    cache.apply(new ProgramChange.Upsert(program("p", 6, "six")));
    assertThat(nameOf("p")).isEqualTo("six");
  }

  @Test
  void aDeletion_leavesATombstone_thatOnlyANewerUpsertReplaces() {
    cache.apply(new ProgramChange.Upsert(program("p", 1, "one")));
    cache.apply(new ProgramChange.Deletion("p", 2));
    cache.apply(new ProgramChange.Upsert(program("p", 2, "late")));

    assertThat(cache.cached("p")).isEqualTo(new ProgramEntry.Deleted(2));

    cache.apply(new ProgramChange.Upsert(program("p", 3, "recreated")));
    assertThat(nameOf("p")).isEqualTo("recreated");
  }

  @Test
  void anUpsert_replacesANegativeEntry_butALoadFindingNothingKeepsAKnownProgram() {
    cache.load("p");
    loads.get(0).complete(Optional.empty());
    cache.apply(new ProgramChange.Upsert(program("p", 1, "one")));
    assertThat(nameOf("p")).isEqualTo("one");

    cache.invalidateAll();
    cache.apply(new ProgramChange.Upsert(program("q", 3, "pushed")));
    cache.load("q");
    loads.get(1).complete(Optional.empty());
    assertThat(nameOf("q")).isEqualTo("pushed");
  }

  @Test
  void aLoadStartedBeforeInvalidation_doesNotWriteItsStaleAnswerBack() {
    CompletionStage<ProgramEntry> load = cache.load("p");
    cache.invalidateAll();
    loads.get(0).complete(Optional.of(program("p", 1, "stale")));

    assertThat(load.toCompletableFuture().join()).isInstanceOf(ProgramEntry.Known.class);
    assertThat(cache.cached("p")).isNull();
  }

  @Test
  void aLoadedOlderVersion_doesNotReplaceAPushedNewerOne() {
    cache.load("p");
    cache.apply(new ProgramChange.Upsert(program("p", 2, "pushed")));
    loads.get(0).complete(Optional.of(program("p", 1, "read before the push")));

    assertThat(nameOf("p")).isEqualTo("pushed");
  }

  @Test
  void aFloodOfUnknownIds_staysWithinItsOwnBound_andNeverEvictsAKnownProgram() {
    for (int i = 0; i < KNOWN; i++) {
      cache.apply(new ProgramChange.Upsert(program("known-" + i, 1, "known")));
    }

    for (int i = 0; i < 5 * MAX_PROGRAMS; i++) {
      cache.load("invented-" + i);
      loads.get(loads.size() - 1).complete(Optional.empty());
    }
    cache.evictExpired();

    assertThat(cache.unknownSize()).isBetween(1L, (long) MAX_UNKNOWN);
    assertThat(cache.size()).isEqualTo(KNOWN + cache.unknownSize());
    for (int i = 0; i < KNOWN; i++) {
      assertThat(cache.cached("known-" + i)).as("known-" + i).isInstanceOf(ProgramEntry.Known.class);
    }
    assertThat(cache.cached("invented-" + (5 * MAX_PROGRAMS - 1))).as("the latest unknown id is remembered")
        .isInstanceOf(ProgramEntry.Unknown.class);
  }

  @Test
  void loadsOfDifferentIds_areCapped_andAMissBeyondTheCapFailsAtOnce_untilALoadEnds() {
    List<CompletionStage<ProgramEntry>> running = new ArrayList<>();
    for (int i = 0; i < MAX_LOADS; i++) {
      running.add(cache.load("slow-" + i));
    }
    CompletionStage<ProgramEntry> sameIdAgain = cache.load("slow-0");

    CompletionStage<ProgramEntry> beyond = cache.load("one-too-many");

    assertThat(loads).as("no load beyond the cap reached the source").hasSize(MAX_LOADS);
    assertThat(cache.loadsInFlight()).isEqualTo(MAX_LOADS);
    assertThat(beyond.toCompletableFuture()).isCompletedExceptionally();
    assertThat(beyond.toCompletableFuture().handle((entry, failure) -> failure).join())
        .isInstanceOf(LookupsSaturatedException.class);
    assertThat(sameIdAgain).as("a miss joining a running load is no new load").isSameAs(running.get(0));

    loads.get(0).complete(Optional.empty());
    assertThat(cache.loadsInFlight()).isEqualTo(MAX_LOADS - 1);
    cache.load("one-too-many");
    assertThat(loads).hasSize(MAX_LOADS + 1);
  }

  @Test
  void aPushedProgram_endsItsNegativeEntry() {
    cache.load("late");
    loads.get(0).complete(Optional.empty());
    assertThat(cache.unknownSize()).isEqualTo(1);

    cache.apply(new ProgramChange.Upsert(program("late", 1, "created")));

    assertThat(nameOf("late")).isEqualTo("created");
    assertThat(cache.unknownSize()).isZero();
  }
}
