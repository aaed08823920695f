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

  private final List<CompletableFuture<Optional<Program>>> loads = new CopyOnWriteArrayList<>();
  private final ManualTicker ticker = new ManualTicker();
  private final ProgramCache cache = ProgramCache.create(new TrackerConfig.Cache(100, TTL, NEGATIVE_TTL), id -> {
    CompletableFuture<Optional<Program>> load = new CompletableFuture<>();
    loads.add(load);
    return load;
  }, CacheStats.NONE, ticker);

  private static Program program(String id, long version, String name) {
    return new Program(id, name, OptionalLong.empty(), "", Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), version);
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
}
