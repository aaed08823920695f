package io.adtrack.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adtrack.conventions.ConfigurationException;
import io.adtrack.conventions.Environment;
import io.adtrack.testkit.SystemProperties;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

class ConsumerConfigTest {

  private static ConsumerConfig read(Map<String, String> variables) {
    return ConsumerConfig.fromEnvironment(Environment.of(variables));
  }

  @Test
  void shouldUseLocalDefaults_whenEnvironmentIsEmpty() {
    assertThat(read(Map.of())).isEqualTo(new ConsumerConfig("tracking-events", 90, 4));
  }

  @Test
  void shouldReadEveryVariable() {
    ConsumerConfig config = read(Map.of("EVENT_TABLE", "events-eu", "RETENTION_DAYS", "30", "WRITE_CONCURRENCY", "8"));

    assertThat(config).isEqualTo(new ConsumerConfig("events-eu", 30, 8));
  }

  @Test
  void shouldTreatBlankValuesAsUnset() {
    assertThat(read(Map.of("EVENT_TABLE", " ", "WRITE_CONCURRENCY", "", "RETENTION_DAYS", "  ")))
        .isEqualTo(read(Map.of()));
  }

  @Test
  void shouldNameTheVariable_whenRetentionIsNotANumber() {
    assertThatThrownBy(() -> read(Map.of("RETENTION_DAYS", "ninety")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("RETENTION_DAYS=ninety");
  }

  @Test
  void shouldRejectARetentionOfZeroDays() {
    assertThatThrownBy(() -> read(Map.of("RETENTION_DAYS", "0")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("RETENTION_DAYS=0 is out of range");
  }

  @Test
  void theLambdasClient_takesItsEndpointAndRegionFromTheSdk_theDynamoDbEndpointBeforeTheGenericOne() {
    try (DynamoDbClient client = SystemProperties.during(Map.of(
        SystemProperties.DYNAMODB_ENDPOINT, "http://localhost:8000",
        "aws.endpointUrl", "http://localhost:4566",
        "aws.region", "eu-central-1"), () -> KinesisConsumerHandler.dynamoDbClient(read(Map.of())).build())) {

      assertThat(client.serviceClientConfiguration().endpointOverride()).contains(URI.create("http://localhost:8000"));
      assertThat(client.serviceClientConfiguration().region()).isEqualTo(Region.EU_CENTRAL_1);
    }
  }

  @Test
  void theLambdasClient_fallsBackToTheGenericEndpoint_whenNoDynamoDbEndpointIsSet() {
    try (DynamoDbClient client = SystemProperties.during(Map.of("aws.endpointUrl", "http://localhost:4566"),
        () -> KinesisConsumerHandler.dynamoDbClient(read(Map.of())).build())) {

      assertThat(client.serviceClientConfiguration().endpointOverride()).contains(URI.create("http://localhost:4566"));
    }
  }
}
