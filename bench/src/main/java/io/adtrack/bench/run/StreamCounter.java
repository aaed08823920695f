package io.adtrack.bench.run;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Counts the records on a stream by tailing every shard from the trim horizon; each {@link #catchUp()} reads only
 * what arrived since the last one. Partition keys (= message ids) are kept to count duplicates.
 */
final class StreamCounter {

  private final KinesisClient kinesis;
  private final String stream;
  private final Map<String, String> iterators = new HashMap<>();
  private final Set<String> keys = new HashSet<>();
  private long records;

  StreamCounter(KinesisClient kinesis, String stream) {
    this.kinesis = kinesis;
    this.stream = stream;
  }

  /** Reads every shard up to its current end; returns the records seen so far. */
  long catchUp() {
    for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
      String iterator = iterators.computeIfAbsent(shard.shardId(), id -> kinesis.getShardIterator(b -> b
          .streamName(stream).shardId(id).shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator());
      while (iterator != null) {
        String current = iterator;
        GetRecordsResponse response = kinesis.getRecords(b -> b.shardIterator(current).limit(10_000));
        for (Record record : response.records()) {
          records++;
          keys.add(record.partitionKey());
        }
        iterator = response.nextShardIterator();
        if (response.records().isEmpty()) {
          break;
        }
      }
      iterators.put(shard.shardId(), iterator);
    }
    return records;
  }

  long records() {
    return records;
  }

  long distinctKeys() {
    return keys.size();
  }
}
