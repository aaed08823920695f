package io.adtrack.tracker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CorsOriginsTest {

  @ParameterizedTest
  @ValueSource(strings = {"*", " * ", ""})
  void aStarOrNothing_allowsAnyOrigin(String value) {
    assertThat(CorsOrigins.parse("CORS_ALLOWED_ORIGINS", value).allowsAny()).isTrue();
  }

  @Test
  void aList_keepsEachOrigin_trimmed() {
    CorsOrigins origins = CorsOrigins.parse("CORS_ALLOWED_ORIGINS",
        "https://publisher.example, http://localhost:3000 ,https://*.network.example,");

    assertThat(origins.allowsAny()).isFalse();
    assertThat(origins.origins())
        .containsExactly("https://publisher.example", "http://localhost:3000", "https://*.network.example");
  }

  @ParameterizedTest
  @ValueSource(strings = {"publisher.example", "ftp://publisher.example", "https://publisher.example/",
      "https://publisher.example/path", "https://publisher.example?x", "https://user@publisher.example",
      "https://pub*.example", "https://a.*.example", "*, https://publisher.example", "https://", "https://a b"})
  void anythingButOrigins_isRefused_namingTheVariableAndTheEntry(String value) {
    assertThatThrownBy(() -> CorsOrigins.parse("CORS_ALLOWED_ORIGINS", value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("CORS_ALLOWED_ORIGINS: \"");
  }
}
