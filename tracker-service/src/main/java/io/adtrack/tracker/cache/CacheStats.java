package io.adtrack.tracker.cache;

/** Receives L1 hits and misses (the metrics registry in production). */
public interface CacheStats {

  void hit();

  void miss();

  /** Counts nothing, for tests that do not look. */
  CacheStats NONE = new CacheStats() {
    @Override
    public void hit() {
      // nothing to count
    }

    @Override
    public void miss() {
      // nothing to count
    }
  };
}
