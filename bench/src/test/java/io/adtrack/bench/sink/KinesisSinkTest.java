package io.adtrack.bench.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.adtrack.bench.sink.KinesisSink.Protocol;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The sink against the real AWS SDK client over real HTTP, in both wire formats: one client built with CBOR on (the
 * SDK's default, what the tracker sends) and one with CBOR off (the build sets aws.cborEnabled=false). Every test
 * also checks which format the sink saw, so a client that silently fell back to JSON fails the CBOR run.
 */
class KinesisSinkTest {

  private static final String CBOR_ENABLED = "aws.cborEnabled";
  private static final Map<Protocol, KinesisClient> CLIENTS = new EnumMap<>(Protocol.class);
  // For bodies the SDK would never send.
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static Vertx vertx;
  private static KinesisSink sink;

  @BeforeAll
  static void startSink() throws Exception {
    vertx = Vertx.vertx();
    sink = KinesisSink.start(vertx, 0).toCompletionStage().toCompletableFuture().get();
    for (Protocol protocol : Protocol.values()) {
      CLIENTS.put(protocol, client(protocol == Protocol.CBOR));
    }
  }

  @AfterAll
  static void stopSink() throws Exception {
    CLIENTS.values().forEach(KinesisClient::close);
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  @BeforeEach
  void resetSink() {
    sink.failShare(0);
    sink.stats().reset();
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void shouldCountRecordsKeysAndBytes_ofAPutRecordsCallFromTheSdk(Protocol protocol) {
    List<PutRecordsRequestEntry> entries = entries("count", 250);

    PutRecordsResponse response = CLIENTS.get(protocol).putRecords(b -> b.streamName("tracking-events")
        .records(entries));

    assertThat(response.failedRecordCount()).isZero();
    assertThat(response.records()).hasSize(250).allSatisfy(r -> {
      assertThat(r.sequenceNumber()).hasSize(56);
      assertThat(r.shardId()).isEqualTo("shardId-000000000000");
    });
    SinkStats.Snapshot stats = sink.stats().snapshot();
    assertThat(stats.requestsByProtocol()).isEqualTo(Map.of(protocol.name(), 1L));
    assertThat(stats.calls()).isEqualTo(1);
    assertThat(stats.records()).isEqualTo(250);
    assertThat(stats.distinctKeys()).isEqualTo(250);
    assertThat(stats.recordsPerCallMax()).isEqualTo(250);
    assertThat(stats.dataBytes()).isEqualTo(entries.stream().mapToLong(e -> e.data().asByteArray().length).sum());
    assertThat(stats.recordsByStream()).containsEntry("tracking-events", 250L);
    assertThat(sink.stats().sampleKeys()).containsExactlyElementsOf(
        entries.stream().map(PutRecordsRequestEntry::partitionKey).toList());
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void shouldAnswerThrottledRecords_whenToldToFailAShare(Protocol protocol) {
    sink.failShare(1.0);

    PutRecordsResponse response = CLIENTS.get(protocol).putRecords(b -> b.streamName("tracking-events")
        .records(entries("fail", 20)));

    assertThat(response.failedRecordCount()).isEqualTo(20);
    assertThat(response.records()).hasSize(20).allSatisfy(r -> {
      assertThat(r.errorCode()).isEqualTo("ProvisionedThroughputExceededException");
      assertThat(r.errorMessage()).startsWith("Rate exceeded");
      assertThat(r.sequenceNumber()).isNull();
    });
    SinkStats.Snapshot stats = sink.stats().snapshot();
    assertThat(stats.requestsByProtocol()).isEqualTo(Map.of(protocol.name(), 1L));
    assertThat(stats.records()).isZero();
    assertThat(stats.failedRecords()).isEqualTo(20);
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void shouldCountTheSameKeyOnce_whenARecordIsSentTwice(Protocol protocol) {
    List<PutRecordsRequestEntry> entries = entries("dup", 5);

    CLIENTS.get(protocol).putRecords(b -> b.streamName("tracking-events").records(entries));
    CLIENTS.get(protocol).putRecords(b -> b.streamName("tracking-events").records(entries.subList(0, 2)));

    SinkStats.Snapshot stats = sink.stats().snapshot();
    assertThat(stats.requestsByProtocol()).isEqualTo(Map.of(protocol.name(), 2L));
    assertThat(stats.records()).isEqualTo(7);
    assertThat(stats.distinctKeys()).isEqualTo(5);
    assertThat(stats.recordsPerCallMin()).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void shouldDescribeAnActiveOneShardStream_forTheCallsAProducerMakesAtStartUp(Protocol protocol) {
    KinesisClient kinesis = CLIENTS.get(protocol);

    StreamDescriptionSummary summary = kinesis.describeStreamSummary(b -> b.streamName("tracking-events"))
        .streamDescriptionSummary();

    assertThat(summary.streamName()).isEqualTo("tracking-events");
    assertThat(summary.streamStatus()).isEqualTo(StreamStatus.ACTIVE);
    assertThat(summary.streamCreationTimestamp()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(summary.openShardCount()).isEqualTo(1);
    assertThat(kinesis.listShards(b -> b.streamName("tracking-events")).shards()).singleElement()
        .satisfies(shard -> assertThat(shard.shardId()).isEqualTo("shardId-000000000000"));
    assertThat(kinesis.describeStream(b -> b.streamName("tracking-events")).streamDescription().shards())
        .hasSize(1);
    SinkStats.Snapshot stats = sink.stats().snapshot();
    assertThat(stats.requestsByProtocol()).isEqualTo(Map.of(protocol.name(), 3L));
    assertThat(stats.otherCalls()).containsEntry("DescribeStreamSummary", 1L).containsEntry("ListShards", 1L)
        .containsEntry("DescribeStream", 1L);
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void shouldStoreASingleRecord_ofAPutRecordCall(Protocol protocol) {
    String sequence = CLIENTS.get(protocol).putRecord(b -> b.streamName("single").partitionKey("one-key")
        .data(SdkBytes.fromUtf8String("payload"))).sequenceNumber();

    assertThat(sequence).hasSize(56);
    assertThat(sink.stats().sampleKeys()).containsExactly("one-key");
    SinkStats.Snapshot stats = sink.stats().snapshot();
    assertThat(stats.requestsByProtocol()).isEqualTo(Map.of(protocol.name(), 1L));
    assertThat(stats.recordsByStream()).containsEntry("single", 1L);
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void shouldAnswerAnErrorTheSdkReads_forAnOperationTheSinkDoesNotServe(Protocol protocol) {
    assertThatThrownBy(() -> CLIENTS.get(protocol).deleteStream(b -> b.streamName("tracking-events")))
        .isInstanceOfSatisfying(KinesisException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(400);
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnknownOperationException");
          assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("DeleteStream is not served by the sink");
        });
    assertThat(sink.stats().snapshot().requestsByProtocol()).isEqualTo(Map.of(protocol.name(), 1L));
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void shouldAnswerSerializationException_inTheRequestsProtocol_whenThePutRecordsBodyIsMalformed(Protocol protocol)
      throws Exception {
    byte[] valid = protocol == Protocol.CBOR
        // {"StreamName": "s", "Records": [{"Data": h'00'}]}: a record without a PartitionKey.
        ? new byte[] {(byte) 0xA2, 0x6A, 'S', 't', 'r', 'e', 'a', 'm', 'N', 'a', 'm', 'e', 0x61, 's',
            0x67, 'R', 'e', 'c', 'o', 'r', 'd', 's', (byte) 0x81, (byte) 0xA1, 0x64, 'D', 'a', 't', 'a', 0x41, 0}
        : "{\"StreamName\":\"s\",\"Records\":[{\"Data\":\"AA==\"}]}".getBytes();
    // Cut short in the middle of the records: the parser meets the end of the input.
    byte[] truncated = Arrays.copyOf(valid, valid.length - 6);

    for (byte[] body : List.of(valid, truncated)) {
      HttpResponse<byte[]> response = post(protocol, "Kinesis_20131202.PutRecords", body);

      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.headers().firstValue("Content-Type")).hasValue(protocol.contentType);
      assertThat(fields(protocol, response.body())).containsEntry("__type", "SerializationException")
          .containsKey("message");
    }
    assertThat(sink.stats().snapshot().calls()).isZero();
  }

  private static KinesisClient client(boolean cbor) {
    // The SDK reads aws.cborEnabled when a client is built; the property goes back as the build set it.
    String before = System.getProperty(CBOR_ENABLED);
    System.setProperty(CBOR_ENABLED, Boolean.toString(cbor));
    try {
      return KinesisClient.builder()
          .endpointOverride(URI.create("http://localhost:" + sink.port()))
          .region(Region.US_EAST_1)
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
          .httpClientBuilder(ApacheHttpClient.builder())
          .build();
    } finally {
      if (before == null) {
        System.clearProperty(CBOR_ENABLED);
      } else {
        System.setProperty(CBOR_ENABLED, before);
      }
    }
  }

  private static HttpResponse<byte[]> post(Protocol protocol, String target, byte[] body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + sink.port() + "/"))
            .header("Content-Type", protocol.contentType)
            .header("X-Amz-Target", target)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The top-level text fields of an answer, read in the protocol it claims. */
  private static Map<String, String> fields(Protocol protocol, byte[] body) throws IOException {
    Map<String, String> fields = new HashMap<>();
    try (JsonParser parser = protocol.factory.createParser(body)) {
      assertThat(parser.nextToken()).isEqualTo(JsonToken.START_OBJECT);
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        fields.put(name, parser.getText());
      }
    }
    return fields;
  }

  private static List<PutRecordsRequestEntry> entries(String prefix, int count) {
    // Keys and data of varying length, so the byte count checks the base64 arithmetic (JSON) and the binary
    // lengths (CBOR).
    return IntStream.range(0, count).mapToObj(i -> PutRecordsRequestEntry.builder()
            .partitionKey(prefix + "-" + i)
            .data(SdkBytes.fromUtf8String("payload-" + prefix + "-" + i))
            .build())
        .toList();
  }
}
