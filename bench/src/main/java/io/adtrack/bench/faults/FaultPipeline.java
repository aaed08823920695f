package io.adtrack.bench.faults;

import io.adtrack.local.EventSourcePoller;
import io.adtrack.local.LocalPipeline;
import io.adtrack.local.LocalPipelineConfig;
import io.adtrack.proto.TrackingEvent;
import io.adtrack.testkit.TcpProxy;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;

/**
 * The local pipeline as {@code ./run} starts it, on free ports, wired so that every fault of bench/faults can be
 * done to it: the tracker and both pollers reach Kinesis through a proxy of ours (to slow the line down), the
 * kinesis-consumer reaches DynamoDB through another (to cut it), Redis keeps an append-only file (so a stopped
 * Redis comes back with its data). The faults themselves are the methods; each one leaves the pipeline able to heal.
 */
final class FaultPipeline implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FaultPipeline.class);
  /** Each way: a call through the slowed line takes twice this longer (request and answer), 2 s per call. */
  private static final Duration SLOW_LINE_LATENCY = Duration.ofSeconds(1);

  private final LocalPipeline pipeline;
  private final TcpProxy kinesisLine;
  private final TcpProxy dynamoDbLine;
  private final List<PutRecordResponse> eventPoison = new ArrayList<>();
  private final List<PutRecordResponse> coreDataPoison = new ArrayList<>();
  private Runnable republish = () -> { };

  private FaultPipeline(LocalPipeline pipeline, TcpProxy kinesisLine, TcpProxy dynamoDbLine) {
    this.pipeline = pipeline;
    this.kinesisLine = kinesisLine;
    this.dynamoDbLine = dynamoDbLine;
  }

  /** Starts the pipeline; {@code trackerEnvironment} goes to the tracker on top of the pipeline's own settings. */
  static FaultPipeline start(Map<String, String> trackerEnvironment, Path workDir) {
    LocalPipelineConfig config = LocalPipelineConfig.onFreePorts();
    TcpProxy kinesisLine = TcpProxy.start(config.kinesisPort());
    TcpProxy dynamoDbLine = TcpProxy.start(config.dynamoDbPort());
    try {
      LocalPipeline pipeline = LocalPipeline.start(config, new LocalPipeline.Wiring(trackerEnvironment,
          Optional.of(localhost(kinesisLine.port())), Optional.of(localhost(dynamoDbLine.port())),
          Optional.of(workDir.resolve("redis"))));
      return new FaultPipeline(pipeline, kinesisLine, dynamoDbLine);
    } catch (RuntimeException e) {
      kinesisLine.close();
      dynamoDbLine.close();
      throw e;
    }
  }

  LocalPipeline pipeline() {
    return pipeline;
  }

  /** What {@link #republishPrograms()} publishes besides the sample programs: the harness's own programs. */
  void onRepublish(Runnable publishPrograms) {
    this.republish = publishPrograms;
  }

  // ---- the faults ----

  void stopKinesis() {
    pipeline.kinesisEmulator().stop();
  }

  /** kinesalite starts again on its data directory: the streams keep what they had. */
  void startKinesis() {
    pipeline.kinesisEmulator().restart();
  }

  void slowKinesis() {
    kinesisLine.delay(SLOW_LINE_LATENCY);
  }

  void restoreKinesisLine() {
    kinesisLine.restore();
  }

  void stopRedis() {
    pipeline.redisServer().stop();
  }

  /** Back on its append-only file: every program it held is there again. */
  void startRedis() {
    pipeline.redisServer().restart();
  }

  /** A failover to a replica that holds nothing: Redis comes back at once, empty. */
  void restartRedisEmpty() {
    pipeline.redisServer().restartEmpty();
  }

  /** What an operator does after such a failover: publish every program again with the publisher CLI. */
  void republishPrograms() {
    pipeline.republishSamplePrograms();
    republish.run();
  }

  void cutDynamoDb() {
    dynamoDbLine.cut();
  }

  void restoreDynamoDb() {
    dynamoDbLine.restore();
  }

  void stopTracker() {
    pipeline.stopTracker(false);
  }

  void killTracker() {
    pipeline.stopTracker(true);
  }

  void startTracker() {
    pipeline.startTracker();
  }

  /**
   * Puts records no handler can use on both streams, straight to the emulator: on each shard of tracking-events
   * bytes that are no TrackingEvent and a TrackingEvent without messageId; on core-data-updates text that is no JSON
   * and a document without version. Each must be logged, counted and passed, never block what comes after it.
   */
  void putPoison() {
    String events = pipeline.config().eventStream();
    String coreData = pipeline.config().coreDataStream();
    byte[] noMessageId = TrackingEvent.newBuilder().setProgramId("poison").setReceivedAt(1).build().toByteArray();
    for (BigInteger hashKey : List.of(BigInteger.ZERO, BigInteger.ONE.shiftLeft(127))) {
      for (byte[] data : List.of(new byte[] {(byte) 0xff, 0x00, 0x13, 0x37}, noMessageId)) {
        eventPoison.add(pipeline.kinesis().putRecord(b -> b.streamName(events).partitionKey("poison")
            .explicitHashKey(hashKey.toString()).data(SdkBytes.fromByteArray(data))));
      }
    }
    for (String text : List.of("not json {", "{\"programId\":\"poison\"}")) {
      coreDataPoison.add(pipeline.kinesis().putRecord(b -> b.streamName(coreData).partitionKey("poison")
          .data(SdkBytes.fromByteArray(text.getBytes(StandardCharsets.UTF_8)))));
    }
    LOG.info("Put {} poison records on {} and {} on {}", eventPoison.size(), events, coreDataPoison.size(),
        coreData);
  }

  /** Poison records put so far, on both streams. */
  int poisonRecords() {
    return eventPoison.size() + coreDataPoison.size();
  }

  /** Whether each poller's checkpoint is past every poison record put on its stream: none of them blocks a shard. */
  boolean pollersPassedPoison() {
    return passed(pipeline.consumerPoller(), eventPoison) && passed(pipeline.updaterPoller(), coreDataPoison);
  }

  private static boolean passed(EventSourcePoller poller, List<PutRecordResponse> records) {
    return records.stream().allMatch(record -> poller.checkpoint(record.shardId())
        .map(checkpoint -> new BigInteger(checkpoint).compareTo(new BigInteger(record.sequenceNumber())) >= 0)
        .orElse(false));
  }

  @Override
  public void close() {
    try {
      pipeline.close();
    } finally {
      kinesisLine.close();
      dynamoDbLine.close();
    }
  }

  private static URI localhost(int port) {
    return URI.create("http://localhost:" + port);
  }
}
