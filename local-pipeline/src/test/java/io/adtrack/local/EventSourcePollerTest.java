package io.adtrack.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse.BatchItemFailure;
import io.adtrack.conventions.Backoff;
import io.adtrack.testkit.Draws;
import io.adtrack.testkit.KinesisEmulator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Record;

/** The poller against a real kinesalite, with a tiny handler that records what it is given. */
class EventSourcePollerTest {

  private static final Duration FAST_POLL = Duration.ofMillis(50);

  private static KinesisEmulator kinesis;

  private final List<EventSourcePoller> pollers = new ArrayList<>();

  @BeforeAll
  static void startKinesalite() {
    kinesis = KinesisEmulator.kinesalite();
  }

  @AfterAll
  static void stopKinesalite() {
    kinesis.close();
  }

  @AfterEach
  void stopPollers() {
    pollers.forEach(EventSourcePoller::close);
  }

  @Test
  void shouldDeliverEveryRecordInOrder_inBatchesOfAtMostTheBatchSize() {
    String stream = newStream(1);
    put(stream, "key", 250);
    RecordingHandler handler = new RecordingHandler((event, attempt) -> new StreamsEventResponse());

    EventSourcePoller poller = start(stream, handler, settings());

    await().atMost(Duration.ofSeconds(10)).until(() -> handler.deliveredData().size() == 250);
    assertThat(handler.deliveredData()).containsExactlyElementsOf(data(0, 250));
    assertThat(handler.batches).allSatisfy(batch -> assertThat(batch.getRecords()).hasSizeLessThanOrEqualTo(100));
    assertThat(handler.batches).hasSizeGreaterThanOrEqualTo(3);
    await().untilAsserted(() -> assertThat(poller.stats().recordsCompleted()).isEqualTo(250));
    String lastSequence = handler.lastRecord().getKinesis().getSequenceNumber();
    assertThat(poller.checkpoint(shardIdOf(handler.lastRecord()))).contains(lastSequence);
  }

  @Test
  void shouldBuildEachRecordAsLambdaDeliversIt() {
    String stream = newStream(1);
    put(stream, "partition-7", 1);
    RecordingHandler handler = new RecordingHandler((event, attempt) -> new StreamsEventResponse());

    start(stream, handler, settings());

    await().atMost(Duration.ofSeconds(10)).until(() -> handler.deliveredData().size() == 1);
    Record stored = kinesis.readAll(stream).get(0);
    String arn = kinesis.client().describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary()
        .streamARN();
    KinesisEventRecord delivered = handler.lastRecord();
    assertThat(delivered.getEventSource()).isEqualTo("aws:kinesis");
    assertThat(delivered.getEventName()).isEqualTo("aws:kinesis:record");
    assertThat(delivered.getEventVersion()).isEqualTo("1.0");
    assertThat(delivered.getEventSourceARN()).isEqualTo(arn);
    assertThat(delivered.getAwsRegion()).isEqualTo("us-east-1");
    assertThat(delivered.getEventID()).isEqualTo("shardId-000000000000:" + stored.sequenceNumber());
    assertThat(delivered.getKinesis().getKinesisSchemaVersion()).isEqualTo("1.0");
    assertThat(delivered.getKinesis().getPartitionKey()).isEqualTo("partition-7");
    assertThat(delivered.getKinesis().getSequenceNumber()).isEqualTo(stored.sequenceNumber());
    assertThat(delivered.getKinesis().getApproximateArrivalTimestamp().toInstant())
        .isEqualTo(stored.approximateArrivalTimestamp());
    assertThat(StandardCharsets.UTF_8.decode(delivered.getKinesis().getData()).toString()).isEqualTo("record-0");
    assertThat(handler.remainingMillis.get(0)).isBetween(1L, 60_000L);
  }

  @Test
  void shouldKeepOrderPerShard_whenTheStreamHasSeveralShards() {
    String stream = newStream(2);
    List<PutRecordsRequestEntry> entries = IntStream.range(0, 60)
        .mapToObj(i -> entry("key-" + (i % 7), "record-" + i))
        .toList();
    kinesis.client().putRecords(b -> b.streamName(stream).records(entries));
    RecordingHandler handler = new RecordingHandler((event, attempt) -> new StreamsEventResponse());

    start(stream, handler, settings());

    await().atMost(Duration.ofSeconds(10)).until(() -> handler.deliveredData().size() == 60);
    assertThat(handler.deliveredData()).containsExactlyInAnyOrderElementsOf(data(0, 60));
    for (String key : List.of("key-0", "key-3", "key-6")) {
      List<Integer> numbers = handler.deliveredRecords().stream()
          .filter(r -> r.getKinesis().getPartitionKey().equals(key))
          .map(r -> Integer.parseInt(dataOf(r).substring("record-".length())))
          .toList();
      assertThat(numbers).isSorted().isNotEmpty();
    }
    assertThat(handler.batches).allSatisfy(batch -> assertThat(batch.getRecords())
        .extracting(EventSourcePollerTest::shardIdOf).containsOnly(shardIdOf(batch.getRecords().get(0))));
  }

  @Test
  void shouldRedeliverFromTheLowestReportedFailure_andNothingBeforeIt() {
    String stream = newStream(1);
    put(stream, "key", 10);
    RecordingHandler handler = new RecordingHandler((event, attempt) -> attempt == 1
        ? failures(event, "record-7", "record-4")
        : new StreamsEventResponse());

    EventSourcePoller poller = start(stream, handler, settings());

    assertThat(redeliveredAfterTheFirstBatch(handler)).containsExactlyElementsOf(data(4, 10));
    await().untilAsserted(() -> assertThat(poller.stats().recordsCompleted()).isEqualTo(10));
    assertThat(poller.stats().batchItemFailures()).isEqualTo(2);
    assertThat(poller.stats().retries()).isEqualTo(1);
    assertThat(handler.batches).hasSize(2);
  }

  @Test
  void shouldRedeliverTheWholeBatch_whenTheHandlerThrows() {
    String stream = newStream(1);
    put(stream, "key", 10);
    RecordingHandler handler = new RecordingHandler((event, attempt) -> {
      if (attempt == 1) {
        throw new IllegalStateException("boom (expected by the test)");
      }
      return new StreamsEventResponse();
    });

    EventSourcePoller poller = start(stream, handler, settings());

    assertThat(redeliveredAfterTheFirstBatch(handler)).containsExactlyElementsOf(data(0, 10));
    await().untilAsserted(() -> assertThat(poller.stats().recordsCompleted()).isEqualTo(10));
    assertThat(poller.stats().handlerErrors()).isEqualTo(1);
  }

  @Test
  void shouldRedeliverTheWholeBatch_whenAReportedIdentifierIsNotInTheBatch() {
    String stream = newStream(1);
    put(stream, "key", 5);
    RecordingHandler handler = new RecordingHandler((event, attempt) -> attempt == 1
        ? new StreamsEventResponse(List.of(new BatchItemFailure("not-a-sequence-number")))
        : new StreamsEventResponse());

    start(stream, handler, settings());

    await().atMost(Duration.ofSeconds(10)).until(() -> handler.batches.size() >= 2);
    assertThat(dataOf(handler.batches.get(1))).containsExactlyElementsOf(data(0, 5));
  }

  @Test
  void shouldBackOffBetweenRedeliveries_onItsClock() {
    String stream = newStream(1);
    put(stream, "key", 3);
    AtomicLong clock = new AtomicLong();
    List<Long> attemptNanos = new CopyOnWriteArrayList<>();
    RecordingHandler handler = new RecordingHandler((event, attempt) -> {
      attemptNanos.add(clock.get());
      return attempt <= 3 ? failures(event, "record-0") : new StreamsEventResponse();
    });
    // Every redelivery waits its backoff's ceiling: 100, 200, then 300 ms (the cap).
    Backoff backoff = Backoff.exponential(millis(100), millis(300), Draws.highest());
    pollers.add(EventSourcePoller.start(kinesis.client(), stream, handler, settings().withBackoff(backoff),
        clock::get));

    // The clock moves only here, a few milliseconds at a time: the poller sees it jump, never run backwards.
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(2)).until(() -> {
      clock.addAndGet(millis(5).toNanos());
      return attemptNanos.size() >= 4;
    });
    assertThat(Duration.ofNanos(attemptNanos.get(1) - attemptNanos.get(0))).isGreaterThanOrEqualTo(millis(100));
    assertThat(Duration.ofNanos(attemptNanos.get(2) - attemptNanos.get(1))).isGreaterThanOrEqualTo(millis(200));
    assertThat(Duration.ofNanos(attemptNanos.get(3) - attemptNanos.get(2))).isGreaterThanOrEqualTo(millis(300));
  }

  @Test
  void shouldSkipTheFailingRecords_afterMaxRetryAttempts_andGoOn() {
    String stream = newStream(1);
    put(stream, "key", 4);
    RecordingHandler handler = new RecordingHandler((event, attempt) -> failures(event, "record-2"));

    EventSourcePoller poller = start(stream, handler, settings().withMaxRetryAttempts(2));

    await().atMost(Duration.ofSeconds(10)).until(() -> poller.stats().recordsSkipped() == 2);
    put(stream, "key", 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> handler.deliveredData().contains("record-0")
        && dataOf(handler.batches.get(handler.batches.size() - 1)).equals(List.of("record-0")));
    assertThat(handler.batches).hasSize(4);
    assertThat(poller.stats().recordsCompleted()).isEqualTo(3);
  }

  @Test
  void shouldHandleWhatIsOnTheStream_whenDrainedBeforeStopping() {
    String stream = newStream(2);
    RecordingHandler handler = new RecordingHandler((event, attempt) -> new StreamsEventResponse());
    EventSourcePoller poller = start(stream, handler, settings().withPollInterval(Duration.ofMinutes(5)));
    await().atMost(Duration.ofSeconds(10)).until(() -> poller.stats().polls() >= 2);
    put(stream, "key", 5);

    boolean drained = poller.drain(Duration.ofSeconds(10));

    assertThat(drained).isTrue();
    assertThat(handler.deliveredData()).containsExactlyElementsOf(data(0, 5));
  }

  private EventSourcePoller start(String stream, RecordingHandler handler, EventSourcePoller.Settings settings) {
    EventSourcePoller poller = EventSourcePoller.start(kinesis.client(), stream, handler, settings);
    pollers.add(poller);
    return poller;
  }

  private static EventSourcePoller.Settings settings() {
    return EventSourcePoller.Settings.lambdaDefaults("test-function")
        .withPollInterval(FAST_POLL)
        .withBackoff(Backoff.exponential(Duration.ofMillis(20), Duration.ofMillis(100)));
  }

  /** Once the ten records were delivered and delivered again: what the second batch held. */
  private static List<String> redeliveredAfterTheFirstBatch(RecordingHandler handler) {
    await().atMost(Duration.ofSeconds(10)).until(() -> handler.batches.size() >= 2);
    assertThat(dataOf(handler.batches.get(0))).containsExactlyElementsOf(data(0, 10));
    return dataOf(handler.batches.get(1));
  }

  private static String newStream(int shards) {
    String name = "poller-" + UUID.randomUUID();
    kinesis.createStream(name, shards);
    return name;
  }

  private static void put(String stream, String partitionKey, int count) {
    List<PutRecordsRequestEntry> entries = IntStream.range(0, count)
        .mapToObj(i -> entry(partitionKey, "record-" + i))
        .toList();
    kinesis.client().putRecords(b -> b.streamName(stream).records(entries));
  }

  private static PutRecordsRequestEntry entry(String partitionKey, String data) {
    return PutRecordsRequestEntry.builder()
        .partitionKey(partitionKey)
        .data(SdkBytes.fromUtf8String(data))
        .build();
  }

  private static List<String> data(int fromInclusive, int toExclusive) {
    return IntStream.range(fromInclusive, toExclusive).mapToObj(i -> "record-" + i).toList();
  }

  private static Duration millis(long millis) {
    return Duration.ofMillis(millis);
  }

  private static StreamsEventResponse failures(KinesisEvent event, String... failedData) {
    List<String> failed = List.of(failedData);
    return new StreamsEventResponse(event.getRecords().stream()
        .filter(r -> failed.contains(dataOf(r)))
        .map(r -> new BatchItemFailure(r.getKinesis().getSequenceNumber()))
        .toList());
  }

  private static List<String> dataOf(KinesisEvent event) {
    return event.getRecords().stream().map(EventSourcePollerTest::dataOf).toList();
  }

  private static String dataOf(KinesisEventRecord record) {
    return StandardCharsets.UTF_8.decode(record.getKinesis().getData().duplicate()).toString();
  }

  private static String shardIdOf(KinesisEventRecord record) {
    return record.getEventID().substring(0, record.getEventID().indexOf(':'));
  }

  /** Records every event it is given and answers as the test's behaviour says (attempt counts from 1). */
  private static final class RecordingHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {

    final List<KinesisEvent> batches = new CopyOnWriteArrayList<>();
    final List<Long> remainingMillis = new CopyOnWriteArrayList<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private final BiFunction<KinesisEvent, Integer, StreamsEventResponse> behaviour;

    RecordingHandler(BiFunction<KinesisEvent, Integer, StreamsEventResponse> behaviour) {
      this.behaviour = behaviour;
    }

    @Override
    public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
      batches.add(event);
      remainingMillis.add((long) context.getRemainingTimeInMillis());
      return behaviour.apply(event, attempts.incrementAndGet());
    }

    List<KinesisEventRecord> deliveredRecords() {
      return batches.stream().flatMap(b -> b.getRecords().stream()).toList();
    }

    List<String> deliveredData() {
      return deliveredRecords().stream().map(EventSourcePollerTest::dataOf).toList();
    }

    KinesisEventRecord lastRecord() {
      List<KinesisEventRecord> records = deliveredRecords();
      return records.get(records.size() - 1);
    }
  }
}
