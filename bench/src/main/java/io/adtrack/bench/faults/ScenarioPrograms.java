package io.adtrack.bench.faults;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The programs one scenario's load calls: a hot one (almost every call, so it stays in the tracker's cache) and a
 * pool of cold ones, each called once (a cache miss that must go to Redis). A scenario has programs of its own, so
 * what reached the stream and the table is counted per scenario.
 */
final class ScenarioPrograms {

  private final String hot;
  private final long customerId;
  private final String checksum;
  private final List<String> cold;
  private final AtomicInteger nextCold = new AtomicInteger();

  private ScenarioPrograms(String hot, long customerId, String checksum, List<String> cold) {
    this.hot = hot;
    this.customerId = customerId;
    this.checksum = checksum;
    this.cold = List.copyOf(cold);
  }

  static ScenarioPrograms create(String prefix, int index, int coldCount) {
    List<String> cold = new ArrayList<>(coldCount);
    for (int i = 0; i < coldCount; i++) {
      cold.add(String.format("%s-c%05d", prefix, i));
    }
    return new ScenarioPrograms(prefix, 7000L + index, "sum-" + prefix, cold);
  }

  /** The hot program's id. */
  String hot() {
    return hot;
  }

  /** Its customer and checksum, sent with /event calls (which checks them). */
  long customerId() {
    return customerId;
  }

  String checksum() {
    return checksum;
  }

  /** Every cold program, called or not. */
  List<String> cold() {
    return cold;
  }

  /** The next cold program; once all were called, they come round again (then warm: fine, just no miss). */
  String takeCold() {
    return cold.get(Math.floorMod(nextCold.getAndIncrement(), cold.size()));
  }

  /** The cold programs called so far. */
  List<String> coldCalled() {
    return cold.subList(0, Math.min(cold.size(), nextCold.get()));
  }

  /** Every program document, as the publisher CLI takes them (docs/contracts.md, "Core data: an ad program"). */
  List<Map<String, Object>> documents() {
    List<Map<String, Object>> documents = new ArrayList<>();
    documents.add(document(hot, customerId, checksum));
    for (String id : cold) {
      documents.add(document(id, customerId, checksum));
    }
    return documents;
  }

  private static Map<String, Object> document(String id, long customerId, String checksum) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("programId", id);
    document.put("programName", "faults " + id);
    document.put("customerId", customerId);
    document.put("customerName", "Customer " + customerId);
    document.put("checksum", checksum);
    document.put("validFrom", "2020-01-01T00:00:00Z");
    document.put("validUntil", "2099-01-01T00:00:00Z");
    document.put("landingUrl", "https://advertiser.example/" + id);
    document.put("version", 1);
    return document;
  }
}
