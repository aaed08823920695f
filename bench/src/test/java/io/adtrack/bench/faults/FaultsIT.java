package io.adtrack.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.adtrack.bench.faults.ScenarioRun.Outcome;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The quick variant of bench/faults in the build: every scenario from a healthy pipeline under load, with short
 * faults at a low rate, and the zeros of issue 16 asserted. How long recovery took is reported in the quick report
 * (bench/target/faults-quick/), never asserted: the machine is shared.
 */
class FaultsIT {

  private static final Path ROOT = Path.of(System.getProperty("adtrack.root", "..")).toAbsolutePath().normalize();

  @Test
  void underEveryFault_nothingAcknowledgedIsLost_nothingAnswersAnother5xx_andNothingCrashes() {
    List<Outcome> outcomes = FaultsRunner.run(FaultOptions.quick(ROOT));

    assertThat(outcomes).extracting(outcome -> outcome.result().scenario()).containsExactly(Scenario.values());
    SoftAssertions softly = new SoftAssertions();
    for (Outcome outcome : outcomes) {
      ScenarioResult result = outcome.result();
      String scenario = result.scenario().key();
      softly.assertThat(result.acknowledged()).as("%s: acknowledged (the load ran)", scenario).isPositive();
      softly.assertThat(result.tableItems()).as("%s: items in DynamoDB", scenario).isPositive();
      if (!result.lossExpected()) {
        softly.assertThat(result.missing()).as("%s: acknowledged but missing", scenario).isZero();
      }
      softly.assertThat(result.serverErrors()).as("%s: 5xx other than 503", scenario).isZero();
      softly.assertThat(result.trackerCrashes()).as("%s: tracker crashes", scenario).isZero();
      softly.assertThat(result.handlerErrors()).as("%s: handler errors", scenario).isZero();
      softly.assertThat(result.recordsSkipped()).as("%s: records skipped by a poller", scenario).isZero();
      softly.assertThat(result.checks()).as("%s: its own checks", scenario).doesNotContainValue(false);
      if (result.scenario() != Scenario.REDIS_EMPTY) {
        // Only a Redis that lost every program may make the tracker answer 404 for one of them.
        softly.assertThat(result.rejectedByStatus()).as("%s: answers 4xx", scenario).isEmpty();
      }
    }
    softly.assertAll();
  }
}
