package io.adtrack.bench.sink;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/** What the sink has received since the last reset; read by the runner between rounds. Thread-safe. */
public final class SinkStats {

  private static final int SAMPLE_KEYS = 10_000;

  private final Histogram recordsPerCall = new Histogram(1, 100_000, 3);
  private final LongHashSet distinctKeys = new LongHashSet();
  private final Map<String, Long> otherCalls = new TreeMap<>();
  private final Map<String, Long> recordsByStream = new TreeMap<>();
  private final Map<String, Long> requestsByProtocol = new TreeMap<>();
  private final List<String> sampleKeys = new ArrayList<>();
  private long calls;
  private long records;
  private long failedRecords;
  private long dataBytes;

  /** One PutRecords call: its accepted records' keys and sizes, and how many were answered as failed. */
  synchronized void putRecords(String stream, List<String> acceptedKeys, long acceptedDataBytes, int failed) {
    calls++;
    int total = acceptedKeys.size() + failed;
    if (total > 0) {
      recordsPerCall.recordValue(total);
    }
    records += acceptedKeys.size();
    failedRecords += failed;
    dataBytes += acceptedDataBytes;
    recordsByStream.merge(stream, (long) acceptedKeys.size(), Long::sum);
    for (String key : acceptedKeys) {
      distinctKeys.add(LongHashSet.hash(key));
      if (sampleKeys.size() < SAMPLE_KEYS) {
        sampleKeys.add(key);
      }
    }
  }

  synchronized void otherCall(String operation) {
    otherCalls.merge(operation, 1L, Long::sum);
  }

  /** One Kinesis request of any operation, in the protocol its Content-Type named. */
  synchronized void request(KinesisSink.Protocol protocol) {
    requestsByProtocol.merge(protocol.name(), 1L, Long::sum);
  }

  /** Forgets everything (between benchmark phases). */
  public synchronized void reset() {
    recordsPerCall.reset();
    distinctKeys.clear();
    otherCalls.clear();
    recordsByStream.clear();
    requestsByProtocol.clear();
    sampleKeys.clear();
    calls = 0;
    records = 0;
    failedRecords = 0;
    dataBytes = 0;
  }

  /** The first partition keys accepted since the reset (at most 10,000). */
  public synchronized List<String> sampleKeys() {
    return List.copyOf(sampleKeys);
  }

  public synchronized Snapshot snapshot() {
    boolean any = recordsPerCall.getTotalCount() > 0;
    return new Snapshot(calls, records, failedRecords, distinctKeys.size(), dataBytes,
        any ? recordsPerCall.getMean() : 0, any ? recordsPerCall.getValueAtPercentile(50) : 0,
        any ? recordsPerCall.getMinValue() : 0, any ? recordsPerCall.getMaxValue() : 0,
        Map.copyOf(otherCalls), Map.copyOf(recordsByStream), Map.copyOf(requestsByProtocol));
  }

  /**
   * Counters at one moment.
   *
   * @param calls               PutRecords calls
   * @param records             records answered as stored
   * @param failedRecords       records answered with ProvisionedThroughputExceededException (to be retried)
   * @param distinctKeys        distinct partition keys among the stored records (duplicates = records - this)
   * @param dataBytes           decoded size of the stored records' data
   * @param recordsPerCallMean  records per PutRecords call (stored + failed), mean
   * @param recordsPerCallP50   median
   * @param recordsPerCallMin   smallest call
   * @param recordsPerCallMax   largest call
   * @param otherCalls          every other operation by name (DescribeStreamSummary, ListShards, ...)
   * @param recordsByStream     stored records by stream name
   * @param requestsByProtocol  Kinesis requests of every operation by wire format (JSON, CBOR): which one the
   *                            client really spoke
   */
  public record Snapshot(long calls, long records, long failedRecords, long distinctKeys, long dataBytes,
      double recordsPerCallMean, long recordsPerCallP50, long recordsPerCallMin, long recordsPerCallMax,
      Map<String, Long> otherCalls, Map<String, Long> recordsByStream, Map<String, Long> requestsByProtocol) {

    public JsonObject toJson() {
      return new JsonObject().put("calls", calls).put("records", records).put("failedRecords", failedRecords)
          .put("distinctKeys", distinctKeys).put("dataBytes", dataBytes)
          .put("recordsPerCallMean", recordsPerCallMean).put("recordsPerCallP50", recordsPerCallP50)
          .put("recordsPerCallMin", recordsPerCallMin).put("recordsPerCallMax", recordsPerCallMax)
          .put("otherCalls", new JsonObject(Map.copyOf(otherCalls)))
          .put("recordsByStream", new JsonObject(Map.copyOf(recordsByStream)))
          .put("requestsByProtocol", new JsonObject(Map.copyOf(requestsByProtocol)));
    }

    /** Reads what {@link #toJson()} wrote (the runner reads the sink's stats over HTTP). */
    public static Snapshot fromJson(JsonObject json) {
      return new Snapshot(json.getLong("calls"), json.getLong("records"), json.getLong("failedRecords"),
          json.getLong("distinctKeys"), json.getLong("dataBytes"), json.getDouble("recordsPerCallMean"),
          json.getLong("recordsPerCallP50"), json.getLong("recordsPerCallMin"), json.getLong("recordsPerCallMax"),
          longs(json.getJsonObject("otherCalls")), longs(json.getJsonObject("recordsByStream")),
          longs(json.getJsonObject("requestsByProtocol")));
    }

    private static Map<String, Long> longs(JsonObject json) {
      Map<String, Long> map = new TreeMap<>();
      json.forEach(e -> map.put(e.getKey(), ((Number) e.getValue()).longValue()));
      return map;
    }
  }
}
