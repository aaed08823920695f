package io.adtrack.tracker.traffic;

import io.adtrack.proto.EventType;
import io.adtrack.proto.InvalidTraffic;
import io.adtrack.tracker.metrics.Route;
import io.vertx.core.Context;
import io.vertx.core.Future;

/**
 * Tells traffic no person made from a person's (docs/invalid-traffic.md), for calls that are otherwise accepted:
 * a bot's user agent (or none), then a prefetch, then, for clicks only, a repeat of the same client's click on the
 * same program within CLICK_DEDUP_SECONDS. The first reason found is the call's; a call already found invalid costs
 * no Redis round trip, and sets no deduplication key (so a prefetch does not make the real click a duplicate).
 * Then INVALID_TRAFFIC decides whether the event is forwarded. Shared by every event loop.
 */
public final class TrafficClassifier {

  private static final Future<InvalidTraffic> NONE = Future.succeededFuture(InvalidTraffic.INVALID_TRAFFIC_NONE);

  private final BotUserAgents bots;
  private final ClickDeduplicator clicks;
  private final InvalidTrafficMode mode;
  private final InvalidTrafficStats stats;

  /** @param clicks the duplicate-click check; null when CLICK_DEDUP_SECONDS is 0 */
  public TrafficClassifier(BotUserAgents bots, ClickDeduplicator clicks, InvalidTrafficMode mode,
      InvalidTrafficStats stats) {
    this.bots = bots;
    this.clicks = clicks;
    this.mode = mode;
    this.stats = stats;
  }

  /**
   * The call's reason; completes at once unless it is a click needing the duplicate check, then on {@code context}
   * within REDIS_TIMEOUT_MS. Never fails.
   */
  public Future<InvalidTraffic> classify(Context context, EventType type, String programId, TrafficSignals signals) {
    if (bots.isBot(signals.userAgent())) {
      return Future.succeededFuture(InvalidTraffic.BOT);
    }
    if (signals.prefetch()) {
      return Future.succeededFuture(InvalidTraffic.PREFETCH);
    }
    if (type != EventType.CLICK || clicks == null || signals.clientKey() == null) {
      return NONE;
    }
    return clicks.isRepeat(context, programId, signals.clientKey())
        .map(repeat -> repeat ? InvalidTraffic.DUPLICATE_CLICK : InvalidTraffic.INVALID_TRAFFIC_NONE);
  }

  /** Counts an invalid call and says whether its event goes on to the stream (always, for a person's). */
  public boolean forwards(Route route, InvalidTraffic reason) {
    if (reason == InvalidTraffic.INVALID_TRAFFIC_NONE) {
      return true;
    }
    stats.invalidTraffic(route, reason, mode);
    return mode == InvalidTrafficMode.FLAG;
  }
}
