package io.adtrack.tracker.cache;

import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import io.adtrack.tracker.config.TrackerConfig;
import io.adtrack.tracker.program.ProgramChange;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * L1: core data in Guava caches (one per JVM), filled from a {@link ProgramSource} on a miss and kept current by
 * pub/sub changes. Thread-safe: every HTTP event loop reads it, the Redis subscriber writes it.
 *
 * <p>Programs and tombstones live in one cache (CACHE_MAX_ENTRIES, CACHE_TTL_SECONDS); ids Redis does not know live
 * in another (NEGATIVE_CACHE_MAX_ENTRIES, NEGATIVE_CACHE_TTL_SECONDS), so a flood of invented ids evicts other
 * invented ids and never a known program. Both are measured on the ticker.
 *
 * <p>Concurrent misses for one id share one load; loads of different ids are capped at REDIS_MAX_MISSES_IN_FLIGHT,
 * beyond which a miss fails at once with {@link LookupsSaturatedException} (answered 503) instead of queueing on
 * Redis. A load that started before {@link #invalidateAll()} does not write its (possibly stale) answer back.
 */
public final class ProgramCache {

  private final Cache<String, ProgramEntry> cache;
  private final Cache<String, ProgramEntry.Unknown> unknown;
  private final ProgramSource source;
  private final long negativeTtlNanos;
  private final int maxLoadsInFlight;
  private final ConcurrentMap<String, CompletableFuture<ProgramEntry>> loading = new ConcurrentHashMap<>();
  private final AtomicInteger loadsInFlight = new AtomicInteger();
  private final AtomicLong generation = new AtomicLong();
  private final CacheStats stats;
  private final Ticker ticker;

  private ProgramCache(TrackerConfig.Cache settings, ProgramSource source, CacheStats stats, Ticker ticker) {
    this.cache = CacheBuilder.newBuilder()
        .maximumSize(settings.maxEntries())
        .expireAfterWrite(settings.ttl())
        .ticker(ticker)
        .build();
    this.unknown = CacheBuilder.newBuilder()
        .maximumSize(settings.negativeMaxEntries())
        .expireAfterWrite(settings.negativeTtl())
        .ticker(ticker)
        .build();
    this.source = source;
    this.negativeTtlNanos = settings.negativeTtl().toNanos();
    this.maxLoadsInFlight = settings.maxMissesInFlight();
    this.stats = stats;
    this.ticker = ticker;
  }

  /** L1 as configured: bounded, entries expiring after their TTLs, time read from {@code ticker}. */
  public static ProgramCache create(TrackerConfig.Cache settings, ProgramSource source, CacheStats stats,
      Ticker ticker) {
    return new ProgramCache(settings, source, stats, ticker);
  }

  /** The entry L1 holds and may answer from, or null (a miss: call {@link #load(String)}). */
  public ProgramEntry cached(String programId) {
    ProgramEntry entry = cache.getIfPresent(programId);
    if (entry == null) {
      ProgramEntry.Unknown negative = unknown.getIfPresent(programId);
      entry = negative == null || negative.expiresAtNanos() - ticker.read() <= 0 ? null : negative;
    }
    if (entry == null) {
      stats.miss();
    } else {
      stats.hit();
    }
    return entry;
  }

  /**
   * Loads the id from the source, sharing a load already under way for it; fails at once with
   * {@link LookupsSaturatedException} when REDIS_MAX_MISSES_IN_FLIGHT loads of other ids are under way.
   */
  public CompletionStage<ProgramEntry> load(String programId) {
    CompletableFuture<ProgramEntry> mine = new CompletableFuture<>();
    CompletableFuture<ProgramEntry> running = loading.putIfAbsent(programId, mine);
    if (running != null) {
      return running;
    }
    if (loadsInFlight.incrementAndGet() > maxLoadsInFlight) {
      loadsInFlight.decrementAndGet();
      loading.remove(programId, mine);
      mine.completeExceptionally(LookupsSaturatedException.INSTANCE);
      return mine;
    }
    long startedIn = generation.get();
    source.load(programId).whenComplete((program, failure) -> {
      loadsInFlight.decrementAndGet();
      loading.remove(programId, mine);
      if (failure != null) {
        mine.completeExceptionally(failure);
        return;
      }
      ProgramEntry loaded = program.<ProgramEntry>map(ProgramEntry.Known::new)
          .orElseGet(() -> new ProgramEntry.Unknown(ticker.read() + negativeTtlNanos));
      mine.complete(startedIn == generation.get() ? remember(programId, loaded) : loaded);
    });
    return mine;
  }

  /** Loads of different ids waiting for the source right now. */
  public int loadsInFlight() {
    return loadsInFlight.get();
  }

  /** Applies a change announced on pub/sub; an older or equal version than the one held is ignored. */
  public void apply(ProgramChange change) {
    remember(change.programId(), ProgramEntry.of(change));
  }

  /** Forgets everything, e.g. after pub/sub messages may have been missed. */
  public void invalidateAll() {
    generation.incrementAndGet();
    cache.invalidateAll();
    unknown.invalidateAll();
  }

  /** Runs Guava's housekeeping, so expired entries leave (and the size gauge drops) without waiting for traffic. */
  public void evictExpired() {
    cache.cleanUp();
    unknown.cleanUp();
  }

  /** Every entry: programs, tombstones and unknown ids. */
  public long size() {
    return cache.size() + unknown.size();
  }

  /** Entries for ids Redis did not know. */
  public long unknownSize() {
    return unknown.size();
  }

  /**
   * Keeps what was learnt. A program or tombstone goes into the main cache by version and ends any negative entry;
   * an unknown id goes into the negative cache unless the main cache knows better (a versioned entry always wins,
   * and {@link #cached} reads the main cache first, so a push racing this write cannot be hidden by it).
   */
  private ProgramEntry remember(String programId, ProgramEntry candidate) {
    if (candidate instanceof ProgramEntry.Unknown negative) {
      ProgramEntry current = cache.getIfPresent(programId);
      if (current != null) {
        return current;
      }
      unknown.put(programId, negative);
      return negative;
    }
    ProgramEntry kept = cache.asMap().merge(programId, candidate, ProgramEntry::newer);
    unknown.invalidate(programId);
    return kept;
  }
}
