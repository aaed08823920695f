package io.adtrack.conventions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentTest {

  private enum Mode { MEMORY, SPOOL }

  @Test
  void shouldTakeTheDefault_whenAVariableIsUnsetOrBlank() {
    Environment env = Environment.of(Map.of("BLANK", "  ", "EMPTY", ""));

    assertThat(env.string("UNSET", "d")).isEqualTo("d");
    assertThat(env.string("BLANK", "d")).isEqualTo("d");
    assertThat(env.integer("EMPTY", 7, 0, 10)).isEqualTo(7);
    assertThat(env.optional("BLANK")).isEmpty();
    assertThat(env.list("UNSET")).isEmpty();
    assertThat(env.choice("UNSET", Mode.SPOOL)).isEqualTo(Mode.SPOOL);
  }

  @Test
  void shouldTrimAndParseEveryKindOfValue() {
    Environment env = Environment.of(Map.of(
        "NAME", "  events ", "COUNT", " 42", "BIG", "5000000000", "TIMEOUT_MS", "250", "TTL_SECONDS", "5",
        "PORT", "8443", "DIR", "spool", "URL", "http://localhost:4567", "MODE", "Memory",
        "ORIGINS", " https://a.example, ,https://b.example "));

    assertThat(env.string("NAME", "x")).isEqualTo("events");
    assertThat(env.integer("COUNT", 0, 0, 100)).isEqualTo(42);
    assertThat(env.longInteger("BIG", 0, 0, Long.MAX_VALUE)).isEqualTo(5_000_000_000L);
    assertThat(env.millis("TIMEOUT_MS", 1, 1, 1_000)).isEqualTo(Duration.ofMillis(250));
    assertThat(env.seconds("TTL_SECONDS", 1, 1, 60)).isEqualTo(Duration.ofSeconds(5));
    assertThat(env.port("PORT", 80)).isEqualTo(8443);
    assertThat(env.path("DIR", Path.of("/tmp"))).isEqualTo(Path.of("spool").toAbsolutePath());
    assertThat(env.optionalUrl("URL")).contains(URI.create("http://localhost:4567"));
    assertThat(env.choice("MODE", Mode.SPOOL)).isEqualTo(Mode.MEMORY);
    assertThat(env.list("ORIGINS")).containsExactly("https://a.example", "https://b.example");
  }

  @Test
  void shouldNameTheVariableAndTheValue_whenANumberIsMalformedOrOutOfRange() {
    Environment env = Environment.of(Map.of("RETENTION_DAYS", "ninety", "HTTP_PORT", "80000", "ZERO", "0"));

    assertThatThrownBy(() -> env.integer("RETENTION_DAYS", 90, 1, 36_500))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("RETENTION_DAYS=ninety is not a whole number")
        .extracting(e -> ((ConfigurationException) e).variable()).isEqualTo("RETENTION_DAYS");
    assertThatThrownBy(() -> env.port("HTTP_PORT", 8080))
        .hasMessage("HTTP_PORT=80000 is out of range [1, 65535]");
    assertThatThrownBy(() -> env.millis("ZERO", 500, 1, 60_000))
        .hasMessage("ZERO=0 is out of range [1, 60000]");
  }

  @Test
  void shouldRejectAUrlThatIsNotAbsolute_andAnUnknownChoice() {
    Environment env = Environment.of(Map.of("ENDPOINT", "localhost:8000", "BROKEN", "http://[x", "MODE", "disk"));

    assertThatThrownBy(() -> env.optionalUrl("ENDPOINT")).hasMessage("ENDPOINT=localhost:8000 is not an absolute URL");
    assertThatThrownBy(() -> env.optionalUrl("BROKEN")).hasMessage("BROKEN=http://[x is not a URL");
    assertThatThrownBy(() -> env.choice("MODE", Mode.SPOOL)).hasMessage("MODE=disk is not one of [memory, spool]");
  }

  @Test
  void shouldNotEchoARedisUrl_whenItIsMalformed() {
    Environment env = Environment.of(Map.of("REDIS_URL", "redis://:hunter2@bad host:6379"));

    assertThatThrownBy(() -> env.redisUrl("REDIS_URL", "redis://localhost:6379"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("REDIS_URL")
        .hasMessageNotContaining("hunter2")
        .hasNoCause();
    assertThat(Environment.of(Map.of()).redisUrl("REDIS_URL", "redis://localhost:6379").port()).isEqualTo(6379);
  }

  @Test
  void shouldReadThisProcess_whenAskedForTheSystemEnvironment() {
    String path = System.getenv("PATH");

    assertThat(Environment.system().optional("PATH")).isEqualTo(java.util.Optional.ofNullable(path)
        .filter(value -> !value.isBlank()).map(String::trim));
  }

  @Test
  void shouldPassOnTheAwsClientsLine_namingTheMalformedEndpointVariable() {
    ConfigurationException endpoint = ConfigurationException.fromAwsClient(new IllegalStateException(
        "An invalid URI was configured in environment variable AWS_ENDPOINT_URL_KINESIS"));

    assertThat(endpoint.getMessage())
        .isEqualTo("An invalid URI was configured in environment variable AWS_ENDPOINT_URL_KINESIS");
  }
}
