package io.adtrack.updater;

import static io.adtrack.updater.TestRecords.records;
import static io.adtrack.updater.TestRecords.sequenceNumbers;
import static io.adtrack.updater.TestRecords.uniqueId;
import static io.adtrack.updater.TestRecords.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse.BatchItemFailure;
import io.adtrack.conventions.RedisLayout;
import io.adtrack.testkit.RedisServerFixture;
import io.adtrack.testkit.TcpProxy;
import io.adtrack.testkit.lambda.KinesisEvents;
import io.adtrack.updater.coredata.ProgramValidator;
import io.adtrack.updater.redis.ProgramStore;
import io.adtrack.updater.redis.RedisClients;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * Redis becomes unreachable in the middle of a batch (a proxy in front of it cuts every connection, the data
 * stays): the failed record and every later one are reported in order, and a rerun of those converges.
 */
class RedisOutageTest {

  private static final int PROGRAMS = 1000;

  private static RedisServerFixture redis;
  private static TcpProxy proxy;
  private static RedisClient viaProxy;
  private static RedisClient direct;
  private static ChannelRecorder channel;

  @BeforeAll
  static void start() {
    redis = RedisServerFixture.start();
    proxy = TcpProxy.start(redis.port());
    viaProxy = RedisClients.create(UpdaterConfig.forUrl("redis://localhost:" + proxy.port(), Duration.ofSeconds(2)));
    direct = RedisClients.create(UpdaterConfig.forUrl(redis.url(), Duration.ofSeconds(2)));
    channel = ChannelRecorder.subscribe(redis.port());
  }

  @AfterAll
  static void stop() {
    channel.close();
    viaProxy.close();
    direct.close();
    proxy.close();
    redis.close();
  }

  @Test
  void shouldReportFailedAndAllLaterRecordsInOrder_andConvergeOnRerun_whenRedisGoesAwayMidBatch() {
    String prefix = uniqueId("outage") + "-";
    // Every program twice (version 1, then version 2 later in the batch): a rerun must still end on version 2.
    List<String> documents = new ArrayList<>();
    for (int version = 1; version <= 2; version++) {
      for (int i = 0; i < PROGRAMS; i++) {
        documents.add(upsert(prefix + i, version, "v" + version));
      }
    }
    List<KinesisEventRecord> batch = records(documents);
    int cutAt = 5;
    AtomicBoolean cutDone = new AtomicBoolean();
    // Redis goes away exactly when the handler reads record 5 (once: the rerun must find it reachable). Cutting
    // from the record itself, not from a subscriber thread, makes the failing record the same on any machine load.
    KinesisEvent.Record original = batch.get(cutAt).getKinesis();
    KinesisEvent.Record cutting = new KinesisEvent.Record() {
      @Override
      public ByteBuffer getData() {
        if (cutDone.compareAndSet(false, true)) {
          proxy.cut();
        }
        return super.getData();
      }
    };
    cutting.setData(original.getData());
    cutting.setPartitionKey(original.getPartitionKey());
    cutting.setSequenceNumber(original.getSequenceNumber());
    cutting.setApproximateArrivalTimestamp(original.getApproximateArrivalTimestamp());
    cutting.setKinesisSchemaVersion(original.getKinesisSchemaVersion());
    batch.get(cutAt).setKinesis(cutting);
    RedisUpdaterHandler handler = new RedisUpdaterHandler(
        new CoreDataUpdater(new ProgramValidator(), new ProgramStore(viaProxy)));

    StreamsEventResponse response = handler.handleRequest(KinesisEvents.of(batch), null);

    List<String> failed = response.getBatchItemFailures().stream().map(BatchItemFailure::getItemIdentifier).toList();
    assertThat(failed).as("records reported after the cut").isNotEmpty();
    int firstFailed = sequenceNumbers(batch).indexOf(failed.get(0));
    assertThat(firstFailed).as("the first record applied after the cut").isEqualTo(cutAt);
    assertThat(failed).containsExactlyElementsOf(sequenceNumbers(batch.subList(firstFailed, batch.size())));

    proxy.restore();
    List<KinesisEventRecord> rerun = batch.subList(firstFailed, batch.size());
    assertThat(handler.handleRequest(KinesisEvents.of(rerun), null).getBatchItemFailures()).isEmpty();

    for (int i = 0; i < PROGRAMS; i++) {
      Map<String, String> stored = direct.hgetAll(RedisLayout.programKey(prefix + i));
      assertThat(stored).containsEntry("version", "2").containsEntry("programName", "v2");
    }
    channel.drain();
    // As if nothing failed: each version of each program announced exactly once (a change applied just before
    // the cut comes back stale on the rerun and is not announced again).
    Map<String, Long> announcements = channel.messagesWithPrefix(prefix).stream()
        .collect(Collectors.groupingBy(m -> m.get("programId").asText() + "@" + m.get("version").asText(),
            Collectors.counting()));
    assertThat(announcements).hasSize(2 * PROGRAMS);
    assertThat(Set.copyOf(announcements.values())).containsExactly(1L);
  }
}
