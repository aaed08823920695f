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
import java.util.concurrent.atomic.AtomicLong;

/**
 * L1: core data in a Guava cache (one per JVM), filled from a {@link ProgramSource} on a miss and kept current by
 * pub/sub changes. Thread-safe: every HTTP event loop reads it, the Redis subscriber writes it.
 *
 * <p>Concurrent misses for one id share one load. A load that started before {@link #invalidateAll()} does not
 * write its (possibly stale) answer back. Entries live CACHE_TTL_SECONDS after they were written, an unknown id
 * NEGATIVE_CACHE_TTL_SECONDS, both measured on the ticker.
 */
public final class ProgramCache {

  private final Cache<String, ProgramEntry> cache;
  private final ProgramSource source;
  private final long negativeTtlNanos;
  private final ConcurrentMap<String, CompletableFuture<ProgramEntry>> loading = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();
  private final CacheStats stats;
  private final Ticker ticker;

  /** @param cache Guava's cache, built on the same {@code ticker} */
  public ProgramCache(Cache<String, ProgramEntry> cache, ProgramSource source, Duration negativeTtl,
      CacheStats stats, Ticker ticker) {
    this.cache = cache;
    this.source = source;
    this.negativeTtlNanos = negativeTtl.toNanos();
    this.stats = stats;
    this.ticker = ticker;
  }

  /** L1 as configured: bounded, entries expiring after the TTL, time read from {@code ticker}. */
  public static ProgramCache create(TrackerConfig.Cache settings, ProgramSource source, CacheStats stats,
      Ticker ticker) {
    Cache<String, ProgramEntry> cache = CacheBuilder.newBuilder()
        .maximumSize(settings.maxEntries())
        .expireAfterWrite(settings.ttl())
        .ticker(ticker)
        .build();
    return new ProgramCache(cache, source, settings.negativeTtl(), stats, ticker);
  }

  /** The entry L1 holds and may answer from, or null (a miss: call {@link #load(String)}). */
  public ProgramEntry cached(String programId) {
    ProgramEntry entry = cache.getIfPresent(programId);
    if (entry instanceof ProgramEntry.Unknown unknown && unknown.expiresAtNanos() - ticker.read() <= 0) {
      entry = null;
    }
    if (entry == null) {
      stats.miss();
    } else {
      stats.hit();
    }
    return entry;
  }

  /** Loads the id from the source, sharing a load already under way for it. */
  public CompletionStage<ProgramEntry> load(String programId) {
    CompletableFuture<ProgramEntry> mine = new CompletableFuture<>();
    CompletableFuture<ProgramEntry> running = loading.putIfAbsent(programId, mine);
    if (running != null) {
      return running;
    }
    long startedIn = generation.get();
    source.load(programId).whenComplete((program, failure) -> {
      loading.remove(programId, mine);
      if (failure != null) {
        mine.completeExceptionally(failure);
        return;
      }
      ProgramEntry loaded = program.<ProgramEntry>map(ProgramEntry.Known::new)
          .orElseGet(() -> new ProgramEntry.Unknown(ticker.read() + negativeTtlNanos));
      mine.complete(startedIn == generation.get() ? merge(programId, loaded) : loaded);
    });
    return mine;
  }

  /** Applies a change announced on pub/sub; an older or equal version than the one held is ignored. */
  public void apply(ProgramChange change) {
    merge(change.programId(), ProgramEntry.of(change));
  }

  /** Forgets everything, e.g. after pub/sub messages may have been missed. */
  public void invalidateAll() {
    generation.incrementAndGet();
    cache.invalidateAll();
  }

  /** Runs Guava's housekeeping, so expired entries leave (and the size gauge drops) without waiting for traffic. */
  public void evictExpired() {
    cache.cleanUp();
  }

  public long size() {
    return cache.size();
  }

  private ProgramEntry merge(String programId, ProgramEntry candidate) {
    return cache.asMap().merge(programId, candidate, ProgramEntry::newer);
  }
}
