package io.adtrack.bench.faults;

import com.google.protobuf.InvalidProtocolBufferException;
import io.adtrack.proto.TrackingEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Everything the tracker put on the event stream, read as it arrives: every shard tailed from the trim horizon,
 * each {@link #catchUp()} reading what came since the last. Survives the emulator going away (a scenario stops it):
 * a failed read is retried next time from after the last record seen.
 */
final class StreamTail {

  private static final Logger LOG = LoggerFactory.getLogger(StreamTail.class);

  /**
   * One record on the stream.
   *
   * @param programId its event's program, or null when it is no TrackingEvent (poison)
   * @param messageId its event's messageId
   * @param fid       the load's call id, from the event's params (null for events the load did not make)
   */
  record StreamRecord(String programId, String messageId, String fid) {
  }

  private final KinesisClient kinesis;
  private final String stream;
  private final Map<String, String> iterators = new HashMap<>();
  private final Map<String, String> lastSequence = new HashMap<>();
  private final List<StreamRecord> records = new ArrayList<>();

  StreamTail(KinesisClient kinesis, String stream) {
    this.kinesis = kinesis;
    this.stream = stream;
  }

  /** Reads every shard up to its current end; returns whether the stream could be read. */
  synchronized boolean catchUp() {
    try {
      for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
        readShard(shard.shardId());
      }
      return true;
    } catch (SdkException e) {
      // The emulator is down or restarting: iterators may not survive that, so start again after the last seen.
      LOG.debug("stream {} not readable now: {}", stream, e.getMessage());
      iterators.clear();
      return false;
    }
  }

  private void readShard(String shardId) {
    String iterator = iterators.computeIfAbsent(shardId, this::iterator);
    while (iterator != null) {
      String current = iterator;
      GetRecordsResponse response = kinesis.getRecords(b -> b.shardIterator(current).limit(10_000));
      for (Record record : response.records()) {
        records.add(decode(record));
        lastSequence.put(shardId, record.sequenceNumber());
      }
      iterator = response.nextShardIterator();
      iterators.put(shardId, iterator);
      if (response.records().isEmpty()) {
        break;
      }
    }
  }

  private String iterator(String shardId) {
    String after = lastSequence.get(shardId);
    return kinesis.getShardIterator(b -> {
      b.streamName(stream).shardId(shardId);
      if (after == null) {
        b.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
      } else {
        b.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).startingSequenceNumber(after);
      }
    }).shardIterator();
  }

  private static StreamRecord decode(Record record) {
    try {
      TrackingEvent event = TrackingEvent.parseFrom(record.data().asByteArrayUnsafe());
      return new StreamRecord(event.getProgramId(), event.getMessageId(), event.getParamsMap().get("fid"));
    } catch (InvalidProtocolBufferException e) {
      return new StreamRecord(null, null, null);
    }
  }

  /** The records read so far of these programs. */
  synchronized List<StreamRecord> recordsOf(Set<String> programIds) {
    return records.stream().filter(r -> r.programId() != null && programIds.contains(r.programId())).toList();
  }

  /** How many records read so far belong to these programs. */
  synchronized long countOf(Set<String> programIds) {
    return records.stream().filter(r -> r.programId() != null && programIds.contains(r.programId())).count();
  }
}
