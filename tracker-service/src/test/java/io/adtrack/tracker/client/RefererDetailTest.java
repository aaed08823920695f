package io.adtrack.tracker.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RefererDetailTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "https://pub.example/news/today?user=alice@mail.example#comments | https://pub.example/news/today",
      "https://pub.example/                                            | https://pub.example/",
      "https://pub.example                                             | https://pub.example",
      "https://pub.example?q=1                                         | https://pub.example",
      "https://pub.example#top                                         | https://pub.example",
      "http://localhost:3000/page.html?debug=1                         | http://localhost:3000/page.html",
      "https://user:secret@pub.example:8443/a?b                        | https://pub.example:8443/a",
      "https://[2001:db8::1]:8443/a?b                                  | https://[2001:db8::1]:8443/a",
      "android-app://com.example.news/path?x                           | android-app://com.example.news/path",
      "not a url?secret=1                                              | not a url"})
  void path_dropsQueryFragmentAndUserInfo(String referer, String path) {
    assertThat(RefererDetail.PATH.apply(referer)).isEqualTo(path);
    assertThat(RefererDetail.FULL.apply(referer)).isEqualTo(referer);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "https://pub.example/news/today?user=alice#comments | https://pub.example",
      "https://pub.example                                | https://pub.example",
      "https://user:secret@pub.example:8443/a?b           | https://pub.example:8443",
      "https://[2001:db8::1]:8443/a                       | https://[2001:db8::1]:8443",
      "http://localhost:3000?x                            | http://localhost:3000",
      "android-app://com.example.news/path?x              | android-app://com.example.news",
      "not a url?secret=1                                 | ''"})
  void origin_keepsSchemeHostAndPort(String referer, String origin) {
    assertThat(RefererDetail.ORIGIN.apply(referer)).isEqualTo(origin);
  }

  @ParameterizedTest
  @CsvSource({"PATH", "ORIGIN", "FULL"})
  void noReferer_staysNone(RefererDetail detail) {
    assertThat(detail.apply("")).isEmpty();
  }
}
