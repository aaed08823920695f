package io.adtrack.updater.publish;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import io.adtrack.testkit.KinesisEmulator;
import io.adtrack.testkit.lambda.KinesisEvents;
import io.adtrack.updater.RedisUpdaterHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What Lambda's Kinesis event source mapping does, reduced to what the tests need: reads each shard from the trim
 * horizon, hands the handler one {@link KinesisEvent} per GetRecords page and collects the batch item failures.
 */
record LambdaFeed(KinesisEmulator kinesis, String stream, int batchSize) {

  /** Feeds every record now on the stream; returns how many were handed over and the failures reported. */
  Fed feedAll(RedisUpdaterHandler handler) {
    AtomicInteger records = new AtomicInteger();
    List<String> failures = new ArrayList<>();
    kinesis.readPages(stream, batchSize, (shardId, page) -> {
      KinesisEvent event = KinesisEvents.fromRecords(page, KinesisEvents.Source.of(stream).withShard(shardId));
      handler.handleRequest(event, null).getBatchItemFailures().forEach(f -> failures.add(f.getItemIdentifier()));
      records.addAndGet(page.size());
    });
    return new Fed(records.get(), failures);
  }

  /** Records handed to the handler, and the sequence numbers it reported as failed. */
  record Fed(int records, List<String> failures) {
  }
}
