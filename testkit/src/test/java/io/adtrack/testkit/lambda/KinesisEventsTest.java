package io.adtrack.testkit.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Record;

/** The events built here equal what Lambda's runtime deserialises from its JSON event for the same records. */
class KinesisEventsTest {

  private static final String SHARD = "shardId-000000000006";

  @ParameterizedTest
  @Event(value = "kinesis-event.json", type = KinesisEvent.class)
  void shouldEqualTheEventLambdaDelivers_forTheSameGetRecordsRecord(KinesisEvent fromLambda) {
    KinesisEventRecord expected = fromLambda.getRecords().get(0);
    Record record = Record.builder()
        .partitionKey(expected.getKinesis().getPartitionKey())
        .sequenceNumber(expected.getKinesis().getSequenceNumber())
        .data(SdkBytes.fromUtf8String("tracking event bytes"))
        .approximateArrivalTimestamp(Instant.ofEpochMilli(1_545_084_650_987L))
        .build();

    KinesisEvent built = KinesisEvents.fromRecords(List.of(record), sourceOf(expected));

    KinesisEventRecord actual = built.getRecords().get(0);
    assertThat(actual).usingRecursiveComparison().ignoringFields("kinesis.data").isEqualTo(expected);
    assertThat(bytes(actual.getKinesis().getData())).isEqualTo(bytes(expected.getKinesis().getData()));
    assertThat(actual.getKinesis().getData().hasArray()).isTrue();
  }

  @ParameterizedTest
  @Event(value = "kinesis-event.json", type = KinesisEvent.class)
  void shouldEqualTheEventLambdaDelivers_forTheSamePayload(KinesisEvent fromLambda) {
    KinesisEventRecord expected = fromLambda.getRecords().get(0);
    expected.getKinesis().setSequenceNumber(KinesisEvents.sequenceNumber(42));
    expected.setEventID(SHARD + ":" + KinesisEvents.sequenceNumber(42));

    KinesisEventRecord actual = KinesisEvents.record(sourceOf(expected), 42,
        expected.getKinesis().getPartitionKey(), "tracking event bytes".getBytes(StandardCharsets.UTF_8));

    assertThat(actual).usingRecursiveComparison()
        .ignoringFields("kinesis.data", "kinesis.approximateArrivalTimestamp").isEqualTo(expected);
    assertThat(bytes(actual.getKinesis().getData())).isEqualTo(bytes(expected.getKinesis().getData()));
    assertThat(actual.getKinesis().getData().hasArray()).isTrue();
    assertThat(actual.getKinesis().getApproximateArrivalTimestamp()).isNotNull();
  }

  @Test
  void sequenceNumbersLookLikeKinesisOnes_andIncreaseInTextAndNumericOrder() {
    List<String> numbers = LongStream.of(0, 1, 9, 10, 99_999, 9_999_999_999L)
        .mapToObj(KinesisEvents::sequenceNumber).toList();

    assertThat(numbers).allSatisfy(number -> assertThat(number).hasSize(56).containsOnlyDigits());
    assertThat(numbers).isSorted();
    assertThat(numbers.stream().map(BigInteger::new).toList()).isSorted();
    assertThatThrownBy(() -> KinesisEvents.sequenceNumber(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KinesisEvents.sequenceNumber(10_000_000_000L))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aLocalSourceNamesTheStreamInTheLocalAccount_andKeepsAllButTheShardWhenMoved() {
    KinesisEvents.Source source = KinesisEvents.Source.of("core-data-updates");
    KinesisEvents.Source moved = source.withShard("shardId-000000000003");

    assertThat(source.streamArn()).isEqualTo("arn:aws:kinesis:us-east-1:000000000000:stream/core-data-updates");
    assertThat(moved).isEqualTo(new KinesisEvents.Source(source.streamArn(), "shardId-000000000003",
        source.region(), source.functionRoleArn()));
    assertThat(KinesisEvents.record(moved, 7, "pk", new byte[0]).getEventID())
        .isEqualTo("shardId-000000000003:" + KinesisEvents.sequenceNumber(7));
  }

  private static KinesisEvents.Source sourceOf(KinesisEventRecord expected) {
    return new KinesisEvents.Source(expected.getEventSourceARN(), SHARD, expected.getAwsRegion(),
        expected.getInvokeIdentityArn());
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }
}
