package io.adtrack.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConsumerConfigTest {

  @Test
  void shouldUseLocalDefaults_whenEnvironmentIsEmpty() {
    ConsumerConfig config = ConsumerConfig.fromEnvironment(Map.of());

    assertThat(config).isEqualTo(new ConsumerConfig("tracking-events", "us-east-1", Optional.empty(), 90, 4));
  }

  @Test
  void shouldReadEveryVariable() {
    ConsumerConfig config = ConsumerConfig.fromEnvironment(Map.of(
        "EVENT_TABLE", "events-eu",
        "AWS_REGION", "eu-central-1",
        "AWS_ENDPOINT_URL_DYNAMODB", "http://localhost:8000",
        "RETENTION_DAYS", "30",
        "WRITE_CONCURRENCY", "8"));

    assertThat(config).isEqualTo(new ConsumerConfig(
        "events-eu", "eu-central-1", Optional.of(URI.create("http://localhost:8000")), 30, 8));
  }

  @Test
  void shouldPreferTheDynamoDbEndpoint_whenBothEndpointVariablesAreSet() {
    ConsumerConfig config = ConsumerConfig.fromEnvironment(Map.of(
        "AWS_ENDPOINT_URL_DYNAMODB", "http://localhost:8000",
        "AWS_ENDPOINT_URL", "http://localhost:4566"));

    assertThat(config.endpointOverride()).contains(URI.create("http://localhost:8000"));
  }

  @Test
  void shouldFallBackToTheGenericEndpoint_whenNoDynamoDbEndpointIsSet() {
    ConsumerConfig config = ConsumerConfig.fromEnvironment(Map.of("AWS_ENDPOINT_URL", "http://localhost:4566"));

    assertThat(config.endpointOverride()).contains(URI.create("http://localhost:4566"));
  }

  @Test
  void shouldTreatBlankValuesAsUnset() {
    ConsumerConfig config = ConsumerConfig.fromEnvironment(Map.of(
        "EVENT_TABLE", " ", "AWS_ENDPOINT_URL_DYNAMODB", "", "RETENTION_DAYS", "  "));

    assertThat(config).isEqualTo(ConsumerConfig.fromEnvironment(Map.of()));
  }

  @Test
  void shouldNameTheVariable_whenRetentionIsNotANumber() {
    assertThatThrownBy(() -> ConsumerConfig.fromEnvironment(Map.of("RETENTION_DAYS", "ninety")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RETENTION_DAYS=ninety");
  }

  @Test
  void shouldRejectARetentionOfZeroDays() {
    assertThatThrownBy(() -> ConsumerConfig.fromEnvironment(Map.of("RETENTION_DAYS", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RETENTION_DAYS=0 is out of range");
  }

  @Test
  void shouldRejectAnEndpointThatIsNotAnAbsoluteUrl() {
    assertThatThrownBy(() -> ConsumerConfig.fromEnvironment(Map.of("AWS_ENDPOINT_URL_DYNAMODB", "localhost:8000")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AWS_ENDPOINT_URL_DYNAMODB");
  }
}
