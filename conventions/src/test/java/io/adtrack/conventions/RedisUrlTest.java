package io.adtrack.conventions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** REDIS_URL as every part reads it: ElastiCache with TLS and AUTH, RBAC users, and the password kept out of sight. */
class RedisUrlTest {

  private static final String SECRET = "s3cr3t-T0ken";

  @Test
  void shouldReadTlsTokenAndPort_whenTheUrlIsRedissWithAToken() {
    RedisUrl url = RedisUrl.parse("REDIS_URL", "rediss://:" + SECRET + "@master.cache.example.amazonaws.com:6380");

    assertThat(url.tls()).isTrue();
    assertThat(url.host()).isEqualTo("master.cache.example.amazonaws.com");
    assertThat(url.port()).isEqualTo(6380);
    assertThat(url.user()).isNull();
    assertThat(url.password()).isEqualTo(SECRET);
    assertThat(url.database()).isZero();
  }

  @Test
  void shouldDecodeUserAndPassword_andReadTheDatabase() {
    RedisUrl url = RedisUrl.parse("REDIS_URL", "rediss://updater:p%40ss%3Aword+1@cache.example:6379/2");

    assertThat(url.user()).isEqualTo("updater");
    assertThat(url.password()).isEqualTo("p@ss:word+1");
    assertThat(url.database()).isEqualTo(2);
  }

  @Test
  void shouldTakeALoneUserInfoPartAsThePassword_likeJedisAndRedisCli() {
    RedisUrl url = RedisUrl.parse("REDIS_URL", "redis://" + SECRET + "@localhost");

    assertThat(url.password()).isEqualTo(SECRET);
    assertThat(url.port()).isEqualTo(6379);
    assertThat(url.tls()).isFalse();
  }

  @Test
  void shouldNeverShowThePassword_inToStringOrRedacted_butHandItToTheClient() {
    RedisUrl url = RedisUrl.parse("REDIS_URL", "REDISS://app:" + SECRET + "@cache.aws:6380/3");

    assertThat(url.toString()).isEqualTo(url.redacted()).isEqualTo("rediss://app:***@cache.aws:6380/3");
    assertThat(RedisUrl.parse("REDIS_URL", "redis://localhost:6379").redacted()).isEqualTo("redis://localhost:6379");
    assertThat(url.connectionString()).isEqualTo("rediss://app:" + SECRET + "@cache.aws:6380/3");
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis://user:hunter2@[bad host/", "http://user:hunter2@host:6379",
      "rediss://:hunter2@ spaced:6379", "hunter2", "redis://:hunter2@host:6379/nodb"})
  void shouldNameTheVariable_withoutEchoingTheValue_whenTheUrlIsUnusable(String value) {
    assertThatThrownBy(() -> RedisUrl.parse("REDIS_URL", value))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("REDIS_URL")
        .hasMessageNotContaining("hunter2")
        .hasNoCause();
  }

  @Test
  void shouldSayWhatAUrlMustLookLike_whenTheSchemeIsNotRedis() {
    assertThatThrownBy(() -> RedisUrl.parse("REDIS_URL", "http://localhost:6379"))
        .hasMessageContaining("redis://host:port or rediss://host:port");
  }
}
