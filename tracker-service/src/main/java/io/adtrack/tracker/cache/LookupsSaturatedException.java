package io.adtrack.tracker.cache;

/**
 * A miss found REDIS_MAX_MISSES_IN_FLIGHT lookups already waiting for Redis (a flood of unknown ids, or Redis slow):
 * answered 503 + Retry-After at once rather than queued behind them.
 */
public final class LookupsSaturatedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Carries no detail, so one instance serves every refusal (and costs no stack trace under a flood). */
  static final LookupsSaturatedException INSTANCE = new LookupsSaturatedException();

  private LookupsSaturatedException() {
    super("too many program lookups in flight", null, false, false);
  }
}
