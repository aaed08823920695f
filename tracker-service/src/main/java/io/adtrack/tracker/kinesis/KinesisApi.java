package io.adtrack.tracker.kinesis;

import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/** The two Kinesis calls the sender makes; production uses {@link #of(KinesisAsyncClient)}. */
public interface KinesisApi {

  CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request);

  /** Completes when the stream exists and answers (DescribeStreamSummary); used by readiness. */
  CompletableFuture<?> probe(String stream);

  /** The real thing, on the process' one async client. */
  static KinesisApi of(KinesisAsyncClient client) {
    return new KinesisApi() {
      @Override
      public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
        return client.putRecords(request);
      }

      @Override
      public CompletableFuture<?> probe(String stream) {
        return client.describeStreamSummary(b -> b.streamName(stream));
      }
    };
  }
}
