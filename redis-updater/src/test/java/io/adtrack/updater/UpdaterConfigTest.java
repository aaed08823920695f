package io.adtrack.updater;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.adtrack.conventions.ConfigurationException;
import io.adtrack.conventions.Environment;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** REDIS_URL / REDIS_TIMEOUT_MS as the Lambda reads them, and that the password stays out of logs. */
class UpdaterConfigTest {

  private static final String SECRET = "s3cr3t-T0ken";

  private static UpdaterConfig read(Map<String, String> variables) {
    return UpdaterConfig.fromEnvironment(Environment.of(variables));
  }

  @Test
  void shouldUseLocalDefaults_whenNothingIsSet() {
    UpdaterConfig config = read(Map.of());

    assertThat(config).isEqualTo(UpdaterConfig.forUrl("redis://localhost:6379", Duration.ofSeconds(2)));
    assertThat(config.redis().tls()).isFalse();
    assertThat(config.redis().password()).isNull();
  }

  @Test
  void shouldReadTlsPasswordAndTimeout_whenUrlIsRedissWithToken() {
    UpdaterConfig config = read(Map.of(
        "REDIS_URL", "rediss://:" + SECRET + "@master.cache.example.amazonaws.com:6380",
        "REDIS_TIMEOUT_MS", "750"));

    assertThat(config.redis().tls()).isTrue();
    assertThat(config.redis().host()).isEqualTo("master.cache.example.amazonaws.com");
    assertThat(config.redis().port()).isEqualTo(6380);
    assertThat(config.redis().password()).isEqualTo(SECRET);
    assertThat(config.timeout()).isEqualTo(Duration.ofMillis(750));
  }

  @Test
  void shouldNeverShowThePassword_inToString() {
    UpdaterConfig config = read(Map.of("REDIS_URL", "rediss://updater:" + SECRET + "@cache.example:6379"));

    assertThat(config.toString()).doesNotContain(SECRET).contains("rediss://updater:***@cache.example:6379");
  }

  @Test
  void shouldNotLogThePassword_whenTheHandlerStarts() {
    Logger handlerLogger = (Logger) LoggerFactory.getLogger(RedisUpdaterHandler.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    handlerLogger.addAppender(appender);
    try {
      // No connection is made at construction, so an unreachable host is fine here.
      new RedisUpdaterHandler(read(Map.of("REDIS_URL", "rediss://:" + SECRET + "@cache.invalid:6379")));
    } finally {
      handlerLogger.detachAppender(appender);
    }

    assertThat(appender.list).isNotEmpty();
    assertThat(appender.list).allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(SECRET));
  }

  @Test
  void shouldNotEchoTheUrl_whenItCannotBeParsed() {
    assertThatThrownBy(() -> read(Map.of("REDIS_URL", "redis://:" + SECRET + "@bad host")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("REDIS_URL")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
  }

  @Test
  void shouldRejectUrl_whenSchemeIsNotRedis() {
    assertThatThrownBy(() -> read(Map.of("REDIS_URL", "http://localhost:6379")))
        .hasMessageContaining("redis://host:port or rediss://host:port");
  }

  @Test
  void shouldRejectTimeout_whenNotAPositiveNumber() {
    assertThatThrownBy(() -> read(Map.of("REDIS_TIMEOUT_MS", "soon"))).hasMessageContaining("REDIS_TIMEOUT_MS");
    assertThatThrownBy(() -> read(Map.of("REDIS_TIMEOUT_MS", "0"))).hasMessageContaining("REDIS_TIMEOUT_MS");
  }
}
