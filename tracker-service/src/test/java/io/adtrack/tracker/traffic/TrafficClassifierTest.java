package io.adtrack.tracker.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.adtrack.proto.EventType;
import io.adtrack.proto.InvalidTraffic;
import io.adtrack.tracker.metrics.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The reasons and their order; duplicate clicks against Redis are DuplicateClickTest's. */
class TrafficClassifierTest {

  private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
  private static final BotUserAgents BOTS = BotUserAgents.load(Optional.empty());

  private final List<String> counted = new ArrayList<>();
  private final InvalidTrafficStats stats = new InvalidTrafficStats() {
    @Override
    public void invalidTraffic(Route route, InvalidTraffic reason, InvalidTrafficMode mode) {
      counted.add(route.tag() + " " + reason + " " + mode);
    }

    @Override
    public void clickCheckFailed() {
      counted.add("click check failed");
    }
  };

  private InvalidTraffic classify(TrafficClassifier classifier, EventType type, TrafficSignals signals) {
    return classifier.classify(null, type, "p", signals).result();
  }

  @Test
  void aBotBeforeAPrefetch_aPrefetchBeforeAnythingElse_andAPersonIsNone() {
    TrafficClassifier classifier = new TrafficClassifier(BOTS, null, InvalidTrafficMode.FLAG, stats);

    assertThat(classify(classifier, EventType.CLICK, new TrafficSignals("curl/8.5.0", true, "k")))
        .isEqualTo(InvalidTraffic.BOT);
    assertThat(classify(classifier, EventType.CLICK, new TrafficSignals(null, false, null)))
        .isEqualTo(InvalidTraffic.BOT);
    assertThat(classify(classifier, EventType.IMPRESSION, new TrafficSignals(BROWSER, true, null)))
        .isEqualTo(InvalidTraffic.PREFETCH);
    assertThat(classify(classifier, EventType.CLICK, new TrafficSignals(BROWSER, false, "k")))
        .as("duplicate clicks off").isEqualTo(InvalidTraffic.INVALID_TRAFFIC_NONE);
  }

  @Test
  void flag_forwardsAndCounts_drop_countsOnly_aPersonIsNeitherCounted() {
    TrafficClassifier flag = new TrafficClassifier(BOTS, null, InvalidTrafficMode.FLAG, stats);
    TrafficClassifier drop = new TrafficClassifier(BOTS, null, InvalidTrafficMode.DROP, stats);

    assertThat(flag.forwards(Route.PIXEL, InvalidTraffic.BOT)).isTrue();
    assertThat(drop.forwards(Route.CLICK, InvalidTraffic.PREFETCH)).isFalse();
    assertThat(drop.forwards(Route.EVENT, InvalidTraffic.INVALID_TRAFFIC_NONE)).isTrue();

    assertThat(counted).containsExactly("pixel BOT FLAG", "click PREFETCH DROP");
  }

  @Test
  void theClientKey_isADigestOfNetworkAndUserAgent_orNoneWithoutEither() {
    String key = TrafficSignals.clientKey("203.0.113.0", BROWSER);

    assertThat(key).hasSize(22).doesNotContain("203").isEqualTo(TrafficSignals.clientKey("203.0.113.0", BROWSER));
    assertThat(TrafficSignals.clientKey("203.0.114.0", BROWSER)).isNotEqualTo(key);
    assertThat(TrafficSignals.clientKey("203.0.113.0", BROWSER + " ")).isNotEqualTo(key);
    assertThat(TrafficSignals.clientKey("", BROWSER)).isNull();
    assertThat(TrafficSignals.clientKey("203.0.113.0", null)).isNull();
  }
}
