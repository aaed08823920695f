package io.adtrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Record;

/** The event built from a GetRecords record equals what Lambda's runtime deserialises from its JSON event. */
class LambdaKinesisEventsTest {

  @ParameterizedTest
  @Event(value = "kinesis-event.json", type = KinesisEvent.class)
  void shouldEqualTheEventLambdaDelivers_forTheSameRecord(KinesisEvent fromLambda) {
    KinesisEventRecord expected = fromLambda.getRecords().get(0);
    Record record = Record.builder()
        .partitionKey(expected.getKinesis().getPartitionKey())
        .sequenceNumber(expected.getKinesis().getSequenceNumber())
        .data(SdkBytes.fromUtf8String("tracking event bytes"))
        .approximateArrivalTimestamp(Instant.ofEpochMilli(1_545_084_650_987L))
        .build();

    KinesisEvent built = LambdaKinesisEvents.toEvent(List.of(record), "shardId-000000000006",
        expected.getEventSourceARN(), "us-east-1", expected.getInvokeIdentityArn());

    KinesisEventRecord actual = built.getRecords().get(0);
    assertThat(actual).usingRecursiveComparison().ignoringFields("kinesis.data").isEqualTo(expected);
    assertThat(bytes(actual.getKinesis().getData())).isEqualTo(bytes(expected.getKinesis().getData()));
    assertThat(actual.getKinesis().getData().hasArray()).isTrue();
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }
}
