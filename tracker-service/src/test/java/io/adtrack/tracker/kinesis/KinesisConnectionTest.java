package io.adtrack.tracker.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.adtrack.conventions.AwsRegion;
import io.adtrack.testkit.SystemProperties;
import io.adtrack.tracker.config.TrackerConfig;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/** The tracker's Kinesis client: configured by the AWS SDK from the environment, and timers that forget. */
class KinesisConnectionTest {

  @Test
  void theClient_takesItsEndpointAndRegionFromTheSdk_theKinesisEndpointBeforeTheGenericOne() {
    try (KinesisConnection kinesis = SystemProperties.during(Map.of(
        SystemProperties.KINESIS_ENDPOINT, "http://localhost:4567",
        "aws.endpointUrl", "http://localhost:4566",
        "aws.region", "eu-west-1"), () -> KinesisConnection.open(TrackerConfig.defaults().kinesis()))) {

      assertThat(kinesis.client().serviceClientConfiguration().endpointOverride())
          .contains(URI.create("http://localhost:4567"));
      assertThat(kinesis.client().serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_1);
      assertThat(kinesis.region()).isEqualTo(new AwsRegion("eu-west-1", false));
    }
  }

  @Test
  void theClient_fallsBackToTheGenericEndpoint_andWithoutOneTalksToAws() {
    try (KinesisConnection generic = SystemProperties.during(Map.of("aws.endpointUrl", "http://localhost:4566"),
        () -> KinesisConnection.open(TrackerConfig.defaults().kinesis()));
        KinesisConnection aws = KinesisConnection.open(TrackerConfig.defaults().kinesis())) {

      assertThat(generic.client().serviceClientConfiguration().endpointOverride())
          .contains(URI.create("http://localhost:4566"));
      assertThat(aws.client().serviceClientConfiguration().endpointOverride()).isEmpty();
    }
  }

  @Test
  void shouldForgetACancelledTimeout_atOnceRatherThanWhenItWouldHaveFired() {
    ScheduledThreadPoolExecutor timers = KinesisConnection.callTimeouts();
    try {
      byte[] callPayload = new byte[1024];
      ScheduledFuture<?> timeout = timers.schedule(() -> callPayload.clone(), 30, TimeUnit.SECONDS);
      assertThat(timers.getQueue()).hasSize(1);

      timeout.cancel(false);

      assertThat(timers.getQueue()).isEmpty();
    } finally {
      timers.shutdownNow();
    }
  }

  @Test
  void shouldNotKeepTheJvmAlive() throws Exception {
    ScheduledThreadPoolExecutor timers = KinesisConnection.callTimeouts();
    try {
      Thread[] thread = new Thread[1];
      timers.submit(() -> thread[0] = Thread.currentThread()).get();

      assertThat(thread[0].isDaemon()).isTrue();
      assertThat(thread[0].getName()).isEqualTo("kinesis-call-timeouts");
    } finally {
      timers.shutdownNow();
    }
  }
}
