package io.adtrack.tracker.health;

import io.adtrack.tracker.kinesis.KinesisHealth;
import io.adtrack.tracker.kinesis.ProducerBuffer;
import io.adtrack.tracker.redis.SubscriptionState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether this instance should get traffic: Redis connected and subscribed (else L1 may serve stale core data and
 * misses fail), Kinesis answering, and the producer buffer not (nearly) full.
 */
public record Readiness(SubscriptionState redis, KinesisHealth kinesis, ProducerBuffer buffer) {

  /** The report: {@code {"status":"UP"|"DOWN","failing":[...],"checks":{name:{"ok":..}}}}. */
  public JsonObject report() {
    Map<String, Boolean> checks = new LinkedHashMap<>();
    checks.put("redisConnected", redis.connected());
    checks.put("redisSubscribed", redis.subscribed());
    checks.put("kinesisReachable", kinesis.reachable());
    checks.put("producerNotSaturated", !buffer.saturated());
    JsonObject details = new JsonObject();
    JsonArray failing = new JsonArray();
    checks.forEach((name, ok) -> {
      details.put(name, new JsonObject().put("ok", ok));
      if (!ok) {
        failing.add(name);
      }
    });
    details.getJsonObject("kinesisReachable").put("detail", kinesis.reachable() ? "ok" : kinesis.problem());
    details.getJsonObject("producerNotSaturated").put("bufferedRecords", buffer.depth())
        .put("bufferedBytes", buffer.depthBytes());
    return new JsonObject()
        .put("status", failing.isEmpty() ? "UP" : "DOWN")
        .put("failing", failing)
        .put("checks", details);
  }
}
