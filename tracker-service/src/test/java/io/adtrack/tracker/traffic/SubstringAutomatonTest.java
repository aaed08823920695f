package io.adtrack.tracker.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SubstringAutomatonTest {

  @Test
  void findsEveryPatternAnywhere_inAnyCase_includingOverlapsAndSuffixes() {
    SubstringAutomaton automaton = new SubstringAutomaton(List.of("he", "she", "his", "hers"), new int[] {1, 2, 4, 8},
        0);

    assertThat(automaton.scan("USHERS")).isEqualTo(1 | 2 | 8);
    assertThat(automaton.scan("this")).isEqualTo(4);
    assertThat(automaton.scan("h e")).isZero();
    assertThat(automaton.scan("")).isZero();
    assertThat(automaton.scan("shé hers")).as("a non-ASCII character ends a partial match").isEqualTo(1 | 8);
  }

  @Test
  void agreesWithAPlainSubstringSearch_onRandomTexts() {
    List<String> patterns = List.of("bot", "ot/", "crawl", "a", "abab", "bab", "curl/", "c");
    int[] kinds = new int[patterns.size()];
    for (int i = 0; i < kinds.length; i++) {
      kinds[i] = 1 << i;
    }
    SubstringAutomaton automaton = new SubstringAutomaton(patterns, kinds, 0);
    SplittableRandom random = new SplittableRandom(15);
    String alphabet = "abotcrwlu/ABOTé ";

    for (int n = 0; n < 20_000; n++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(30);
      for (int i = 0; i < length; i++) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      int expected = 0;
      for (int i = 0; i < patterns.size(); i++) {
        if (text.toString().toLowerCase(Locale.ROOT).contains(patterns.get(i))) {
          expected |= kinds[i];
        }
      }
      assertThat(automaton.scan(text.toString())).as(text.toString()).isEqualTo(expected);
    }
  }

  @Test
  void stopsReading_onceEveryStopKindWasFound() {
    SubstringAutomaton automaton = new SubstringAutomaton(List.of("bot", "late"), new int[] {1, 2}, 1);

    assertThat(automaton.scan("bot ... late")).as("stopped at the first kind-1 match").isEqualTo(1);
  }

  @Test
  void refusesPatternsItCouldNotMatch() {
    assertThatThrownBy(() -> new SubstringAutomaton(List.of("Bot"), new int[] {1}, 0))
        .hasMessageContaining("lower-case printable ASCII");
    assertThatThrownBy(() -> new SubstringAutomaton(List.of("bé"), new int[] {1}, 0))
        .hasMessageContaining("lower-case printable ASCII");
  }
}
