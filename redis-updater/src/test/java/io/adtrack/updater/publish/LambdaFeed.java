package io.adtrack.updater.publish;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.adtrack.testkit.lambda.KinesisEvents;
import io.adtrack.updater.RedisUpdaterHandler;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * What Lambda's Kinesis event source mapping does, reduced to what the tests need: reads each shard from the trim
 * horizon, hands the handler one {@link KinesisEvent} per GetRecords page and collects the batch item failures.
 */
final class LambdaFeed {

  private final KinesisClient kinesis;
  private final String stream;
  private final int batchSize;

  LambdaFeed(KinesisClient kinesis, String stream, int batchSize) {
    this.kinesis = kinesis;
    this.stream = stream;
    this.batchSize = batchSize;
  }

  /** Feeds every record now on the stream; returns how many were handed over and the failures reported. */
  Fed feedAll(RedisUpdaterHandler handler) {
    int records = 0;
    List<String> failures = new ArrayList<>();
    for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
      String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
      while (iterator != null) {
        String current = iterator;
        GetRecordsResponse page = kinesis.getRecords(b -> b.shardIterator(current).limit(batchSize));
        if (page.records().isEmpty()) {
          break;
        }
        KinesisEvent event = KinesisEvents.fromRecords(page.records(),
            KinesisEvents.Source.of(stream).withShard(shard.shardId()));
        StreamsEventResponse response = handler.handleRequest(event, null);
        response.getBatchItemFailures().forEach(f -> failures.add(f.getItemIdentifier()));
        records += page.records().size();
        iterator = page.nextShardIterator();
      }
    }
    return new Fed(records, failures);
  }

  /** Records handed to the handler, and the sequence numbers it reported as failed. */
  record Fed(int records, List<String> failures) {
  }
}
