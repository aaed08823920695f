package io.adtrack.tracker.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

class CorsAnswersTest {

  private final CorsAnswers answers = new CorsAnswers();

  @Test
  void anOriginNotAnsweredYet_hasNoAnswer_soTheRouterDecides() {
    assertThat(answers.lookup("https://publisher.example")).isNull();
    assertThat(answers.lookup(null)).isNull();
  }

  @Test
  void aLearnedAnswer_isACopyOfTheHeadersTheCorsHandlerSet() {
    MultiMap response = MultiMap.caseInsensitiveMultiMap()
        .add("Access-Control-Allow-Origin", "https://publisher.example").add("Vary", "Origin");

    answers.learn("https://publisher.example", response);
    response.add("Content-Type", "image/gif");

    MultiMap answer = answers.lookup("https://publisher.example");
    assertThat(answer.names()).containsExactlyInAnyOrder("Access-Control-Allow-Origin", "Vary");
    assertThat(answer.get("access-control-allow-origin")).isEqualTo("https://publisher.example");
    assertThat(answers.lookup("https://other.example")).isNull();
  }

  @Test
  void callsWithoutOrigin_haveTheirOwnAnswer_evenWhenItIsNoHeaderAtAll() {
    answers.learn(null, MultiMap.caseInsensitiveMultiMap());

    assertThat(answers.lookup(null)).isEmpty();
    assertThat(answers.lookup("")).isNull();
  }

  @Test
  void theLeastRecentlyUsedOrigin_makesRoom() {
    answers.learn("https://first.example", MultiMap.caseInsensitiveMultiMap());
    answers.learn("https://second.example", MultiMap.caseInsensitiveMultiMap());
    for (int i = 0; i < CorsAnswers.MAX_ORIGINS - 1; i++) {
      assertThat(answers.lookup("https://first.example")).isNotNull();
      answers.learn("https://site" + i + ".example", MultiMap.caseInsensitiveMultiMap());
    }

    assertThat(answers.lookup("https://first.example")).isNotNull();
    assertThat(answers.lookup("https://second.example")).isNull();
  }
}
