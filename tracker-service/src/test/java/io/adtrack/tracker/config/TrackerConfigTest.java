package io.adtrack.tracker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adtrack.conventions.ConfigurationException;
import io.adtrack.conventions.Environment;
import io.adtrack.tracker.client.IpAnonymization;
import io.adtrack.tracker.client.RefererDetail;
import io.adtrack.tracker.traffic.InvalidTrafficMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrackerConfigTest {

  private static TrackerConfig read(Map<String, String> variables) {
    return TrackerConfig.fromEnvironment(Environment.of(variables));
  }

  @Test
  void defaults_matchTheLocalPipeline() {
    TrackerConfig config = TrackerConfig.defaults();

    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.management().port()).isEqualTo(8081);
    assertThat(config.http().corsAllowedOrigins().allowsAny()).isTrue();
    assertThat(config.clients()).isEqualTo(new TrackerConfig.Clients(0, IpAnonymization.TRUNCATE, RefererDetail.PATH));
    assertThat(config.redis().url().connectionString()).isEqualTo("redis://localhost:6379");
    assertThat(config.cache().maxEntries()).isEqualTo(100_000);
    assertThat(config.cache().ttl()).hasMinutes(10);
    assertThat(config.kinesis().eventStream()).isEqualTo("tracking-events");
    assertThat(config.kinesis().linger()).isEqualTo(Duration.ofMillis(20));
    assertThat(config.shutdownTimeout()).hasSeconds(25);
    assertThat(config.peers()).isEqualTo(new TrackerConfig.Peers("core-data-updates", "tracking-events"));
    assertThat(config.invalidTraffic()).isEqualTo(new TrackerConfig.InvalidTraffic(InvalidTrafficMode.FLAG,
        Optional.empty(), Duration.ofSeconds(10)));
    assertThat(config.cache().negativeMaxEntries()).isEqualTo(10_000);
    assertThat(config.cache().maxMissesInFlight()).isEqualTo(128);
  }

  @Test
  void everyVariable_landsInItsGroup() {
    TrackerConfig config = read(Map.ofEntries(
        Map.entry("HTTP_PORT", "9080"), Map.entry("MANAGEMENT_PORT", "9081"), Map.entry("HTTP_INSTANCES", "3"),
        Map.entry("MAX_BODY_BYTES", "2048"), Map.entry("MAX_EVENTS_PER_REQUEST", "7"),
        Map.entry("REDIS_URL", "rediss://cache.aws:6380"),
        Map.entry("REDIS_TIMEOUT_MS", "250"), Map.entry("CACHE_MAX_ENTRIES", "10"),
        Map.entry("CACHE_TTL_SECONDS", "60"), Map.entry("NEGATIVE_CACHE_TTL_SECONDS", "2"),
        Map.entry("EVENT_STREAM", "events-eu"), Map.entry("KINESIS_LINGER_MS", "0"),
        Map.entry("KINESIS_BUFFER_MAX_RECORDS", "40"), Map.entry("KINESIS_BUFFER_MAX_BYTES", "2097152"),
        Map.entry("KINESIS_MAX_IN_FLIGHT", "2"), Map.entry("SHUTDOWN_TIMEOUT_SECONDS", "9"),
        Map.entry("CORE_DATA_STREAM", "core-eu"), Map.entry("EVENT_TABLE", "table-eu"),
        Map.entry("CORS_ALLOWED_ORIGINS", "https://publisher.example"), Map.entry("TRUSTED_PROXIES", "2"),
        Map.entry("IP_ANONYMIZATION", "Drop"), Map.entry("REFERER_DETAIL", "origin"),
        Map.entry("NEGATIVE_CACHE_MAX_ENTRIES", "5"), Map.entry("REDIS_MAX_MISSES_IN_FLIGHT", "3"),
        Map.entry("INVALID_TRAFFIC", "drop"), Map.entry("BOT_UA_FILE", "/etc/adtrack/bots.txt"),
        Map.entry("CLICK_DEDUP_SECONDS", "0")));

    assertThat(config.http()).isEqualTo(new TrackerConfig.Http(9080, 3, 2048, 7,
        new CorsOrigins(List.of("https://publisher.example"))));
    assertThat(config.management()).isEqualTo(new TrackerConfig.Management(9081));
    assertThat(config.clients()).isEqualTo(new TrackerConfig.Clients(2, IpAnonymization.DROP, RefererDetail.ORIGIN));
    assertThat(config.redis().url().tls()).isTrue();
    assertThat(config.redis().timeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.cache()).isEqualTo(new TrackerConfig.Cache(10, Duration.ofMinutes(1), Duration.ofSeconds(2), 5,
        3));
    assertThat(config.kinesis()).isEqualTo(new TrackerConfig.Kinesis("events-eu", Duration.ZERO, 40, 2L << 20, 2));
    assertThat(config.shutdownTimeout()).hasSeconds(9);
    assertThat(config.peers()).isEqualTo(new TrackerConfig.Peers("core-eu", "table-eu"));
    assertThat(config.invalidTraffic()).isEqualTo(new TrackerConfig.InvalidTraffic(InvalidTrafficMode.DROP,
        Optional.of(Path.of("/etc/adtrack/bots.txt")), Duration.ZERO));
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis://user:hunter2@[bad host/", "http://user:hunter2@host:6379",
      "rediss://:hunter2@ spaced:6379", "hunter2"})
  void aBadRedisUrl_isReported_withoutEchoingIt(String url) {
    assertThatThrownBy(() -> read(Map.of("REDIS_URL", url)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("REDIS_URL")
        .hasMessageNotContaining("hunter2")
        .hasNoCause();
  }

  @Test
  void theLoggedConfig_hidesTheRedisPassword() {
    TrackerConfig config = read(Map.of("REDIS_URL", "rediss://app:hunter2@cache.aws:6380"));

    assertThat(config.redis().url().connectionString()).contains("hunter2");
    assertThat(config.toString()).doesNotContain("hunter2").contains("rediss://app:***@cache.aws:6380");
  }

  @Test
  void otherBadValues_nameTheirVariable() {
    assertThatThrownBy(() -> read(Map.of("HTTP_PORT", "80000"))).hasMessageContaining("HTTP_PORT");
    assertThatThrownBy(() -> read(Map.of("KINESIS_LINGER_MS", "soon"))).hasMessageContaining("KINESIS_LINGER_MS");
    assertThatThrownBy(() -> read(Map.of("TRUSTED_PROXIES", "-1"))).hasMessageContaining("TRUSTED_PROXIES");
    assertThatThrownBy(() -> read(Map.of("CORS_ALLOWED_ORIGINS", "publisher.example")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("CORS_ALLOWED_ORIGINS");
  }

  @Test
  void theManagementPort_mustNotBeThePublicOne() {
    assertThatThrownBy(() -> read(Map.of("HTTP_PORT", "9080", "MANAGEMENT_PORT", "9080")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("MANAGEMENT_PORT=9080 is HTTP_PORT as well: health and metrics need a port of their own, off the "
            + "public path");
    assertThatThrownBy(() -> read(Map.of("HTTP_PORT", "8081"))).hasMessageStartingWith("MANAGEMENT_PORT=8081");
    assertThat(read(Map.of("HTTP_PORT", "0", "MANAGEMENT_PORT", "0")).management().port())
        .as("both chosen by the OS").isZero();
  }

  @Test
  void aChoiceOutsideItsValues_namesTheValuesAllowed() {
    assertThatThrownBy(() -> read(Map.of("IP_ANONYMIZATION", "hash")))
        .hasMessage("IP_ANONYMIZATION=hash is not one of [truncate, drop, off]");
    assertThatThrownBy(() -> read(Map.of("REFERER_DETAIL", "none")))
        .hasMessage("REFERER_DETAIL=none is not one of [path, origin, full]");
    assertThatThrownBy(() -> read(Map.of("INVALID_TRAFFIC", "block")))
        .hasMessage("INVALID_TRAFFIC=block is not one of [flag, drop]");
  }
}
