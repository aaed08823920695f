package io.adtrack.tracker.cache;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;

/**
 * Owns L1's housekeeping. Guava only evicts expired entries as a side effect of reads and writes; on a quiet
 * instance that would keep expired programs (and their memory) around for as long as no one asks.
 */
public final class CacheVerticle extends VerticleBase {

  private static final Duration HOUSEKEEPING_INTERVAL = Duration.ofSeconds(30);

  private final ProgramCache cache;
  private long timerId = -1;

  public CacheVerticle(ProgramCache cache) {
    this.cache = cache;
  }

  @Override
  public Future<?> start() {
    timerId = vertx.setPeriodic(HOUSEKEEPING_INTERVAL.toMillis(), id -> cache.evictExpired());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timerId);
    return Future.succeededFuture();
  }
}
