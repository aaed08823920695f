package io.adtrack.bench.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.net.URI;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/** The sink against the real AWS SDK client, CBOR off (the build sets aws.cborEnabled=false), real HTTP. */
class KinesisSinkTest {

  private static Vertx vertx;
  private static KinesisSink sink;
  private static KinesisClient kinesis;

  @BeforeAll
  static void startSink() throws Exception {
    vertx = Vertx.vertx();
    sink = KinesisSink.start(vertx, 0).toCompletionStage().toCompletableFuture().get();
    kinesis = KinesisClient.builder()
        .endpointOverride(URI.create("http://localhost:" + sink.port()))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .httpClientBuilder(ApacheHttpClient.builder())
        .build();
  }

  @AfterAll
  static void stopSink() throws Exception {
    kinesis.close();
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  @BeforeEach
  void resetSink() {
    sink.failShare(0);
    sink.stats().reset();
  }

  @Test
  void shouldCountRecordsKeysAndBytes_ofAPutRecordsCallFromTheSdk() {
    List<PutRecordsRequestEntry> entries = entries("count", 250);

    PutRecordsResponse response = kinesis.putRecords(b -> b.streamName("tracking-events").records(entries));

    assertThat(response.failedRecordCount()).isZero();
    assertThat(response.records()).hasSize(250).allSatisfy(r -> assertThat(r.sequenceNumber()).isNotBlank());
    SinkStats.Snapshot stats = sink.stats().snapshot();
    assertThat(stats.calls()).isEqualTo(1);
    assertThat(stats.records()).isEqualTo(250);
    assertThat(stats.distinctKeys()).isEqualTo(250);
    assertThat(stats.recordsPerCallMax()).isEqualTo(250);
    assertThat(stats.dataBytes()).isEqualTo(entries.stream().mapToLong(e -> e.data().asByteArray().length).sum());
    assertThat(stats.recordsByStream()).containsEntry("tracking-events", 250L);
    assertThat(sink.stats().sampleKeys()).containsExactlyElementsOf(
        entries.stream().map(PutRecordsRequestEntry::partitionKey).toList());
  }

  @Test
  void shouldAnswerThrottledRecords_whenToldToFailAShare() {
    sink.failShare(1.0);

    PutRecordsResponse response = kinesis.putRecords(b -> b.streamName("tracking-events")
        .records(entries("fail", 20)));

    assertThat(response.failedRecordCount()).isEqualTo(20);
    assertThat(response.records()).allSatisfy(r ->
        assertThat(r.errorCode()).isEqualTo("ProvisionedThroughputExceededException"));
    SinkStats.Snapshot stats = sink.stats().snapshot();
    assertThat(stats.records()).isZero();
    assertThat(stats.failedRecords()).isEqualTo(20);
  }

  @Test
  void shouldCountTheSameKeyOnce_whenARecordIsSentTwice() {
    List<PutRecordsRequestEntry> entries = entries("dup", 5);

    kinesis.putRecords(b -> b.streamName("tracking-events").records(entries));
    kinesis.putRecords(b -> b.streamName("tracking-events").records(entries.subList(0, 2)));

    SinkStats.Snapshot stats = sink.stats().snapshot();
    assertThat(stats.records()).isEqualTo(7);
    assertThat(stats.distinctKeys()).isEqualTo(5);
    assertThat(stats.recordsPerCallMin()).isEqualTo(2);
  }

  @Test
  void shouldDescribeAnActiveOneShardStream_forTheCallsAProducerMakesAtStartUp() {
    assertThat(kinesis.describeStreamSummary(b -> b.streamName("tracking-events"))
        .streamDescriptionSummary().streamStatus()).isEqualTo(StreamStatus.ACTIVE);
    assertThat(kinesis.listShards(b -> b.streamName("tracking-events")).shards()).hasSize(1);
    assertThat(sink.stats().snapshot().otherCalls())
        .containsEntry("DescribeStreamSummary", 1L).containsEntry("ListShards", 1L);
  }

  private static List<PutRecordsRequestEntry> entries(String prefix, int count) {
    // Keys of varying length so the byte count checks the base64 size arithmetic.
    return IntStream.range(0, count).mapToObj(i -> PutRecordsRequestEntry.builder()
            .partitionKey(prefix + "-" + i)
            .data(SdkBytes.fromUtf8String("payload-" + prefix + "-" + i))
            .build())
        .toList();
  }
}
