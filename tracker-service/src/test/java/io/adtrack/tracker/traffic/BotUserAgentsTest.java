package io.adtrack.tracker.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adtrack.conventions.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BotUserAgentsTest {

  private static final BotUserAgents SHIPPED = BotUserAgents.load(Optional.empty());

  @ParameterizedTest
  @ValueSource(strings = {
      "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
      "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
      "Mediapartners-Google",
      "AdsBot-Google (+http://www.google.com/adsbot.html)",
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36",
      "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
      "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
      "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
      "Mozilla/5.0 (compatible; YandexImages/3.0; +http://yandex.com/bots)",
      "Mozilla/5.0 (compatible; Yeti/1.1; +https://naver.me/spd)",
      "curl/8.5.0", "Wget/1.21.4", "python-requests/2.31.0", "Go-http-client/1.1", "okhttp/4.12.0", "Java/17.0.9",
      "axios/1.6.2", "PostmanRuntime/7.36.0", "Vert.x-WebClient/5.1.1", "Scrapy/2.11 (+https://scrapy.org)"})
  void theShippedList_knowsTheBigCrawlersAndHttpLibraries(String userAgent) {
    assertThat(SHIPPED.isBot(userAgent)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 "
          + "Safari/605.1.15",
      "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          + "Version/17.2 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (Linux; Android 13; CUBOT_NOTE_30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
          + "Mobile Safari/537.36",
      "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 "
          + "YaBrowser/24.12"})
  void browsers_areNotBots_aPhoneNamedCubotIncluded(String userAgent) {
    assertThat(SHIPPED.isBot(userAgent)).isFalse();
  }

  @Test
  void aMissingOrBlankUserAgent_isABot() {
    assertThat(SHIPPED.isBot(null)).isTrue();
    assertThat(SHIPPED.isBot("")).isTrue();
    assertThat(SHIPPED.isBot("  ")).isTrue();
  }

  @Test
  void aFile_replacesTheShippedList(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bots.txt");
    Files.writeString(file, "# ours only\n\n  Acme-Monitor  \n!acme-monitor-human\n", StandardCharsets.UTF_8);

    BotUserAgents ours = BotUserAgents.load(Optional.of(file));

    assertThat(ours.isBot("acme-monitor/1.0")).isTrue();
    assertThat(ours.isBot("ACME-MONITOR-HUMAN/1.0")).as("an exception wins").isFalse();
    assertThat(ours.isBot("Mozilla/5.0 (compatible; Googlebot/2.1)")).as("not in our file").isFalse();
    assertThat(ours.isBot(null)).isTrue();
    assertThat(ours.describe()).contains("1 patterns and 1 exceptions from " + file);
  }

  @Test
  void aBrokenFile_isAConfigurationError_namingTheVariableAndTheLine(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bots.txt");
    Files.writeString(file, "bot\nrobôt\n", StandardCharsets.UTF_8);

    assertThatThrownBy(() -> BotUserAgents.load(Optional.of(file)))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("BOT_UA_FILE=").hasMessageContaining("line 2");
    assertThatThrownBy(() -> BotUserAgents.load(Optional.of(dir.resolve("missing.txt"))))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("cannot be read");
    assertThatThrownBy(() -> BotUserAgents.parse("test", List.of("# nothing", "!only-an-exception")))
        .hasMessageContaining("no pattern");
  }
}
