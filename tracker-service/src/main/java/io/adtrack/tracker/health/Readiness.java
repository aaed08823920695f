package io.adtrack.tracker.health;

import io.adtrack.tracker.redis.SubscriptionState;
import io.adtrack.tracker.sink.EventSink;
import io.adtrack.tracker.sink.SinkCheck;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Whether this instance should get traffic: Redis connected and subscribed (else L1 may serve stale core data and
 * misses fail), and whatever the event sink says of itself (Kinesis answering; the buffer or spool taking events).
 */
public record Readiness(SubscriptionState redis, EventSink sink) {

  /** The report: {@code {"status":"UP"|"DOWN","failing":[...],"checks":{name:{"ok":..,...}}}}. */
  public JsonObject report() {
    JsonObject checks = new JsonObject();
    JsonArray failing = new JsonArray();
    add(checks, failing, "redisConnected", redis.connected());
    add(checks, failing, "redisSubscribed", redis.subscribed());
    for (SinkCheck check : sink.checks()) {
      add(checks, failing, check.name(), check.ok()).getMap().putAll(check.details());
    }
    return new JsonObject()
        .put("status", failing.isEmpty() ? "UP" : "DOWN")
        .put("failing", failing)
        .put("checks", checks);
  }

  private static JsonObject add(JsonObject checks, JsonArray failing, String name, boolean ok) {
    JsonObject check = new JsonObject().put("ok", ok);
    checks.put(name, check);
    if (!ok) {
      failing.add(name);
    }
    return check;
  }
}
