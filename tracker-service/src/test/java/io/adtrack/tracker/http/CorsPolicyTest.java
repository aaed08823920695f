package io.adtrack.tracker.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CorsPolicyTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "https://a.network.example, true",
      "https://a.b-c.network.example, true",
      "https://network.example, false",
      "http://a.network.example, false",
      "https://a.network.example:8443, false",
      "https://a.network.example.evil.example, false",
      "https://evil.example/.network.example, false",
      "https://a_network.example, false",
      "https://anetwork.example, false"})
  void aSubdomainWildcard_matchesSubdomainsOfThatOriginOnly(String origin, boolean matches) {
    Pattern pattern = Pattern.compile(CorsPolicy.subdomainPattern("https://*.network.example"));

    assertThat(pattern.matcher(origin).matches()).isEqualTo(matches);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"http://*.localhost:3000, http://app.localhost:3000, true",
      "http://*.localhost:3000, http://app.localhost:3001, false"})
  void aPort_isPartOfTheOrigin(String allowed, String origin, boolean matches) {
    assertThat(Pattern.compile(CorsPolicy.subdomainPattern(allowed)).matcher(origin).matches()).isEqualTo(matches);
  }
}
