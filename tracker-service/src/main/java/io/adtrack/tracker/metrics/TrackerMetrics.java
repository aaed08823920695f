package io.adtrack.tracker.metrics;

import io.adtrack.proto.InvalidTraffic;
import io.adtrack.tracker.cache.CacheStats;
import io.adtrack.tracker.traffic.InvalidTrafficMode;
import io.adtrack.tracker.traffic.InvalidTrafficStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Every meter of the tracker, registered once. Request counters are looked up by enum ordinals rather than by
 * tags, so counting costs the hot path an array read and an increment.
 */
public final class TrackerMetrics implements CacheStats, InvalidTrafficStats {

  /** The reasons counted, in {@link InvalidTraffic} order from BOT on: an array index is the number minus one. */
  private static final List<InvalidTraffic> REASONS = Arrays.stream(InvalidTraffic.values())
      .filter(reason -> reason != InvalidTraffic.INVALID_TRAFFIC_NONE && reason != InvalidTraffic.UNRECOGNIZED)
      .toList();

  private final MeterRegistry registry;
  private final Counter[][] requests = new Counter[Route.values().length][Outcome.values().length];
  private final Counter cacheHits;
  private final Counter cacheMisses;
  private final Timer redisLatency;
  private final Counter kinesisBatches;
  private final Counter recordsSent;
  private final Counter recordsFailed;
  private final Counter recordsRetried;
  private final Counter[][][] invalidTraffic =
      new Counter[Route.values().length][REASONS.size()][InvalidTrafficMode.values().length];
  private final Counter clickChecksFailed;

  public TrackerMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Route route : Route.values()) {
      for (Outcome outcome : Outcome.values()) {
        requests[route.ordinal()][outcome.ordinal()] = Counter.builder("tracker.requests")
            .description("Tracking calls by route and outcome (POST /events counts each event)")
            .tag("route", route.tag()).tag("outcome", outcome.tag())
            .register(registry);
      }
    }
    cacheHits = Counter.builder("tracker.cache.hits").description("L1 lookups answered from the cache")
        .register(registry);
    cacheMisses = Counter.builder("tracker.cache.misses").description("L1 lookups that needed Redis")
        .register(registry);
    redisLatency = Timer.builder("tracker.redis.latency").description("HGETALL program:{id} round trips")
        .publishPercentiles(0.5, 0.99).register(registry);
    kinesisBatches = Counter.builder("tracker.kinesis.batches").description("PutRecords calls made")
        .register(registry);
    recordsSent = Counter.builder("tracker.kinesis.records.sent").description("Records Kinesis stored")
        .register(registry);
    recordsFailed = Counter.builder("tracker.kinesis.records.failed")
        .description("Records a PutRecords did not store (each is retried)").register(registry);
    recordsRetried = Counter.builder("tracker.kinesis.records.retried").description("Records sent again")
        .register(registry);
    for (Route route : Route.values()) {
      for (InvalidTraffic reason : REASONS) {
        for (InvalidTrafficMode mode : InvalidTrafficMode.values()) {
          invalidTraffic[route.ordinal()][reason.getNumber() - 1][mode.ordinal()] =
              Counter.builder("tracker.invalid.traffic")
                  .description("Accepted calls no person is thought to have made, by route, reason and what was "
                      + "done: flagged (forwarded with the reason) or dropped (not forwarded)")
                  .tag("route", route.tag()).tag("reason", reason.name().toLowerCase(Locale.ROOT))
                  .tag("action", mode == InvalidTrafficMode.FLAG ? "flagged" : "dropped")
                  .register(registry);
        }
      }
    }
    clickChecksFailed = Counter.builder("tracker.click.dedup.failures")
        .description("Duplicate-click checks Redis did not answer in time; the clicks were recorded as first ones")
        .register(registry);
  }

  public void request(Route route, Outcome outcome) {
    requests[route.ordinal()][outcome.ordinal()].increment();
  }

  @Override
  public void hit() {
    cacheHits.increment();
  }

  @Override
  public void miss() {
    cacheMisses.increment();
  }

  @Override
  public void invalidTraffic(Route route, InvalidTraffic reason, InvalidTrafficMode mode) {
    invalidTraffic[route.ordinal()][reason.getNumber() - 1][mode.ordinal()].increment();
  }

  @Override
  public void clickCheckFailed() {
    clickChecksFailed.increment();
  }

  public Timer redisLatency() {
    return redisLatency;
  }

  /** One PutRecords call ended: how many records it carried, how many Kinesis stored, how many are retried. */
  public void batch(int sent, int failed) {
    kinesisBatches.increment();
    recordsSent.increment(sent);
    recordsFailed.increment(failed);
  }

  public void retried(int records) {
    recordsRetried.increment(records);
  }

  /** Registers a gauge read at scrape time. */
  public void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(registry);
  }

  /** Registers a gauge read at scrape time, in a base unit the exported name ends with (e.g. "seconds"). */
  public void gauge(String name, String description, String baseUnit, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).baseUnit(baseUnit).register(registry);
  }
}
