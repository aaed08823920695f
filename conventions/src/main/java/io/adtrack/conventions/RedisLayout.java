package io.adtrack.conventions;

/**
 * Where core data lives in Redis and where its changes are announced: written by the redis-updater, read by the
 * tracker (docs/contracts.md, "Redis: keys and channel"). Both keys of a program must live on one node. Also the
 * trackers' own short-lived keys: the click deduplication window every task of a region shares.
 */
public final class RedisLayout {

  /** Hash of a live program: field names are the core-data JSON keys, every value a string. */
  public static final String PROGRAM_KEY_PREFIX = "program:";
  /** String holding the version a program was deleted at, so a late, older upsert cannot bring it back. */
  public static final String TOMBSTONE_KEY_PREFIX = "program-tombstone:";
  /** Pub/sub channel carrying the normalised JSON of every applied change. */
  public static final String CHANNEL = "core-data-updates";
  /**
   * String set by the first click of a client on a program ({@code SET NX PX}), expiring after CLICK_DEDUP_SECONDS:
   * while it exists, the client's further clicks on the program are duplicates.
   */
  public static final String CLICK_DEDUP_KEY_PREFIX = "click-dedup:";

  private RedisLayout() {
  }

  /** {@code program:{programId}}. */
  public static String programKey(String programId) {
    return PROGRAM_KEY_PREFIX + programId;
  }

  /** {@code program-tombstone:{programId}}. */
  public static String tombstoneKey(String programId) {
    return TOMBSTONE_KEY_PREFIX + programId;
  }

  /**
   * {@code click-dedup:{programId}:{clientKey}}, where the client key is a digest that names no address or user agent
   * in clear (docs/invalid-traffic.md, "Duplicate clicks").
   */
  public static String clickDedupKey(String programId, String clientKey) {
    return CLICK_DEDUP_KEY_PREFIX + programId + ':' + clientKey;
  }
}
