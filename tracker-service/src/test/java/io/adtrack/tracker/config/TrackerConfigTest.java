package io.adtrack.tracker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adtrack.tracker.client.IpAnonymization;
import io.adtrack.tracker.client.RefererDetail;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrackerConfigTest {

  @Test
  void defaults_matchTheLocalPipeline() {
    TrackerConfig config = TrackerConfig.defaults();

    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.redisUrl()).isEqualTo("redis://localhost:6379");
    assertThat(config.cacheMaxEntries()).isEqualTo(100_000);
    assertThat(config.cacheTtl()).hasMinutes(10);
    assertThat(config.eventStream()).isEqualTo("tracking-events");
    assertThat(config.corsAllowedOrigins().allowsAny()).isTrue();
    assertThat(config.trustedProxies()).isZero();
    assertThat(config.ipAnonymization()).isEqualTo(IpAnonymization.TRUNCATE);
    assertThat(config.refererDetail()).isEqualTo(RefererDetail.PATH);
  }

  @Test
  void thePrivacySettings_areReadInAnyCase() {
    TrackerConfig config = TrackerConfig.fromEnvironment(Map.of("TRUSTED_PROXIES", "2", "IP_ANONYMIZATION", "Drop",
        "REFERER_DETAIL", "origin", "CORS_ALLOWED_ORIGINS", "https://publisher.example"));

    assertThat(config.trustedProxies()).isEqualTo(2);
    assertThat(config.ipAnonymization()).isEqualTo(IpAnonymization.DROP);
    assertThat(config.refererDetail()).isEqualTo(RefererDetail.ORIGIN);
    assertThat(config.corsAllowedOrigins().origins()).containsExactly("https://publisher.example");
  }

  @Test
  void aChoiceOutsideItsValues_namesTheValuesAllowed() {
    assertThatThrownBy(() -> TrackerConfig.fromEnvironment(Map.of("IP_ANONYMIZATION", "hash")))
        .hasMessage("IP_ANONYMIZATION=hash must be one of truncate, drop, off");
    assertThatThrownBy(() -> TrackerConfig.fromEnvironment(Map.of("REFERER_DETAIL", "none")))
        .hasMessage("REFERER_DETAIL=none must be one of path, origin, full");
    assertThatThrownBy(() -> TrackerConfig.fromEnvironment(Map.of("TRUSTED_PROXIES", "-1")))
        .hasMessageContaining("TRUSTED_PROXIES");
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis://user:hunter2@[bad host/", "http://user:hunter2@host:6379",
      "rediss://:hunter2@ spaced:6379", "hunter2"})
  void aBadRedisUrl_isReported_withoutEchoingIt(String url) {
    assertThatThrownBy(() -> TrackerConfig.fromEnvironment(Map.of("REDIS_URL", url)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("REDIS_URL")
        .hasMessageNotContaining("hunter2")
        .hasNoCause();
  }

  @Test
  void theLoggedConfig_hidesTheRedisPassword() {
    TrackerConfig config = TrackerConfig.fromEnvironment(Map.of("REDIS_URL", "rediss://app:hunter2@cache.aws:6380"));

    assertThat(config.redisUrl()).contains("hunter2");
    assertThat(config.toString()).doesNotContain("hunter2").contains("rediss://cache.aws:6380");
    assertThat(config.redisUrlForLogs()).isEqualTo("rediss://cache.aws:6380");
  }

  @Test
  void otherBadValues_nameTheirVariable() {
    assertThatThrownBy(() -> TrackerConfig.fromEnvironment(Map.of("HTTP_PORT", "80000")))
        .hasMessageContaining("HTTP_PORT");
    assertThatThrownBy(() -> TrackerConfig.fromEnvironment(Map.of("KINESIS_LINGER_MS", "soon")))
        .hasMessageContaining("KINESIS_LINGER_MS");
  }
}
