package io.adtrack.updater.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.adtrack.conventions.ClickSigning;
import io.adtrack.conventions.Environment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The publisher CLI's sign-click: the link it prints verifies with the program's key, and shows the key nowhere. */
class SignClickTest {

  private static final String KEY = "sign-click-test-key-0123456789abcdef";
  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int signClick(Map<String, String> env, String... args) {
    return SignClick.run(args, Environment.of(env), Clock.fixed(NOW, ZoneOffset.UTC),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void printsALinkToTheTracker_signedWithTheKeyFromTheEnvironment_expiringInADay() {
    int exit = signClick(Map.of("CLICK_SIGNING_KEY", KEY), "https://track.example/", "212313", "slot=top banner",
        "customerId=9124");

    assertThat(exit).isZero();
    String link = out.toString(StandardCharsets.UTF_8).strip();
    assertThat(link).startsWith("https://track.example/click/212313?customerId=9124&slot=top%20banner&exp=1780358400"
        + "&sig=");
    Map<String, String> query = query(URI.create(link));
    assertThat(ClickSigning.verify(KEY, "212313", query.get("exp"), query, query.get("sig"))).isTrue();
    assertThat(link + err.toString(StandardCharsets.UTF_8)).doesNotContain(KEY);
  }

  @Test
  void anExpiryCanBeGiven_inSecondsFromNow_orAsAnInstant() {
    signClick(Map.of("CLICK_SIGNING_KEY", KEY), "http://localhost:8080", "p", "--expires-in", "60");
    signClick(Map.of("CLICK_SIGNING_KEY", KEY), "http://localhost:8080", "p", "--expires-at", "4102444800");

    assertThat(out.toString(StandardCharsets.UTF_8).lines())
        .satisfiesExactly(first -> assertThat(first).contains("?exp=" + (NOW.getEpochSecond() + 60) + "&sig="),
            second -> assertThat(second).contains("?exp=4102444800&sig="));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "too-short-key"})
  void withoutAValidKey_itExits2_andSaysWhatIsNeeded(String key) {
    assertThat(signClick(Map.of("CLICK_SIGNING_KEY", key), "https://track.example", "p"))
        .isEqualTo(PublishPrograms.EXIT_INVALID);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("CLICK_SIGNING_KEY must be set")
        .doesNotContain("too-short-key");
  }

  @Test
  void badArguments_exit2_withTheUsage() {
    Map<String, String> env = Map.of("CLICK_SIGNING_KEY", KEY);

    assertThat(signClick(env, "https://track.example")).isEqualTo(PublishPrograms.EXIT_INVALID);
    assertThat(signClick(env, "track.example", "p")).isEqualTo(PublishPrograms.EXIT_INVALID);
    assertThat(signClick(env, "https://track.example", "p q")).isEqualTo(PublishPrograms.EXIT_INVALID);
    assertThat(signClick(env, "https://track.example", "p", "sig=forged")).isEqualTo(PublishPrograms.EXIT_INVALID);
    assertThat(signClick(env, "https://track.example", "p", "--expires-in", "soon"))
        .isEqualTo(PublishPrograms.EXIT_INVALID);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: sign-click");
  }

  private static Map<String, String> query(URI link) {
    Map<String, String> query = new LinkedHashMap<>();
    for (String pair : link.getRawQuery().split("&")) {
      String[] nameValue = pair.split("=", 2);
      query.put(URLDecoder.decode(nameValue[0], StandardCharsets.UTF_8),
          URLDecoder.decode(nameValue[1], StandardCharsets.UTF_8));
    }
    return query;
  }
}
