package io.adtrack.updater;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** REDIS_URL / REDIS_TIMEOUT_MS parsing, and that the password stays out of logs. */
class UpdaterConfigTest {

  private static final String SECRET = "s3cr3t-T0ken";

  @Test
  void shouldUseLocalDefaults_whenNothingIsSet() {
    UpdaterConfig config = UpdaterConfig.fromEnvironment(Map.of());

    assertThat(config).isEqualTo(new UpdaterConfig("localhost", 6379, false, null, null, 0, 2000));
  }

  @Test
  void shouldReadTlsPasswordAndPort_whenUrlIsRedissWithToken() {
    UpdaterConfig config = UpdaterConfig.fromEnvironment(Map.of(
        "REDIS_URL", "rediss://:" + SECRET + "@master.cache.example.amazonaws.com:6380",
        "REDIS_TIMEOUT_MS", "750"));

    assertThat(config.tls()).isTrue();
    assertThat(config.host()).isEqualTo("master.cache.example.amazonaws.com");
    assertThat(config.port()).isEqualTo(6380);
    assertThat(config.user()).isNull();
    assertThat(config.password()).isEqualTo(SECRET);
    assertThat(config.timeoutMillis()).isEqualTo(750);
  }

  @Test
  void shouldReadUserPasswordAndDatabase_whenUrlHasThem() {
    UpdaterConfig config = UpdaterConfig.fromUrl("rediss://updater:p%40ss%3Aword@cache.example:6379/2", 2000);

    assertThat(config.user()).isEqualTo("updater");
    assertThat(config.password()).isEqualTo("p@ss:word");
    assertThat(config.database()).isEqualTo(2);
  }

  @Test
  void shouldTakeLoneUserInfoAsPassword_likeJedisAndRedisCli() {
    assertThat(UpdaterConfig.fromUrl("redis://" + SECRET + "@localhost", 2000).password()).isEqualTo(SECRET);
  }

  @Test
  void shouldNeverShowThePassword_inToStringOrRedactedUrl() {
    UpdaterConfig config = UpdaterConfig.fromUrl("rediss://updater:" + SECRET + "@cache.example:6379", 2000);

    assertThat(config.toString()).doesNotContain(SECRET).contains("rediss://updater:***@cache.example:6379/0");
    assertThat(config.redactedUrl()).doesNotContain(SECRET);
  }

  @Test
  void shouldNotLogThePassword_whenTheHandlerStarts() {
    Logger handlerLogger = (Logger) LoggerFactory.getLogger(RedisUpdaterHandler.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    handlerLogger.addAppender(appender);
    try {
      // No connection is made at construction, so an unreachable host is fine here.
      new RedisUpdaterHandler(UpdaterConfig.fromUrl("rediss://:" + SECRET + "@cache.invalid:6379", 2000));
    } finally {
      handlerLogger.detachAppender(appender);
    }

    assertThat(appender.list).isNotEmpty();
    assertThat(appender.list).allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(SECRET));
  }

  @Test
  void shouldNotEchoTheUrl_whenItCannotBeParsed() {
    assertThatThrownBy(() -> UpdaterConfig.fromUrl("redis://:" + SECRET + "@bad host", 2000))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
  }

  @Test
  void shouldRejectUrl_whenSchemeIsNotRedis() {
    assertThatThrownBy(() -> UpdaterConfig.fromUrl("http://localhost:6379", 2000))
        .hasMessageContaining("redis:// or rediss://");
  }

  @Test
  void shouldRejectTimeout_whenNotAPositiveNumber() {
    assertThatThrownBy(() -> UpdaterConfig.fromEnvironment(Map.of("REDIS_TIMEOUT_MS", "soon")))
        .hasMessageContaining("REDIS_TIMEOUT_MS");
    assertThatThrownBy(() -> UpdaterConfig.fromEnvironment(Map.of("REDIS_TIMEOUT_MS", "0")))
        .hasMessageContaining("REDIS_TIMEOUT_MS");
  }
}
