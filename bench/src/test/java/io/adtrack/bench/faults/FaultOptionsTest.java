package io.adtrack.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultOptionsTest {

  private static final Path ROOT = Path.of("/repo");

  @Test
  void theCommandLine_choosesScenariosRateAndTrackerSettings() {
    FaultOptions options = FaultOptions.parse(ROOT, List.of("--quick", "--rate", "10", "--only",
        "poison, redis-stopped", "--tracker-env", "SPOOL_DIR=/tmp/s=1", "--ack-after", "spool"), Map.of());

    assertThat(options.quick()).isTrue();
    assertThat(options.rate()).isEqualTo(10);
    assertThat(options.scenarios()).containsExactly(Scenario.POISON, Scenario.REDIS_STOPPED);
    assertThat(options.trackerEnvironment()).containsEntry("SPOOL_DIR", "/tmp/s=1")
        .containsEntry("ACK_AFTER", "spool");
  }

  @Test
  void l1HoldsAboutOneScenariosPrograms_unlessTheCommandLineSaysOtherwise() {
    FaultOptions full = FaultOptions.parse(ROOT, List.of(), Map.of());
    FaultOptions bounded = FaultOptions.parse(ROOT, List.of("--tracker-env", "CACHE_MAX_ENTRIES=7"), Map.of());

    assertThat(full.trackerEnvironment()).containsEntry("CACHE_MAX_ENTRIES",
        Integer.toString(full.coldProgramsPerScenario() + 1));
    assertThat(bounded.trackerEnvironment()).containsEntry("CACHE_MAX_ENTRIES", "7");
  }

  @Test
  void theDeliveryMode_comesFromTheEnvironment_andTheOptionWins() {
    assertThat(FaultOptions.parse(ROOT, List.of(), Map.of("ACK_AFTER", "kinesis")).trackerEnvironment())
        .containsEntry("ACK_AFTER", "kinesis");
    assertThat(FaultOptions.parse(ROOT, List.of("--ack-after", "memory"), Map.of("ACK_AFTER", "kinesis"))
        .trackerEnvironment()).containsEntry("ACK_AFTER", "memory");
    assertThat(FaultOptions.parse(ROOT, List.of(), Map.of()).trackerEnvironment()).doesNotContainKey("ACK_AFTER");
  }

  @Test
  void aWrongCommandLine_saysWhatIsWrong() {
    assertThatThrownBy(() -> FaultOptions.parse(ROOT, List.of("--fast"), Map.of()))
        .hasMessageStartingWith("unknown option --fast");
    assertThatThrownBy(() -> FaultOptions.parse(ROOT, List.of("--only", "redis"), Map.of()))
        .hasMessageStartingWith("no scenario redis");
    assertThatThrownBy(() -> FaultOptions.parse(ROOT, List.of("--rate"), Map.of()))
        .hasMessage("--rate needs a value");
    assertThatThrownBy(() -> FaultOptions.parse(ROOT, List.of("--tracker-env", "=x"), Map.of()))
        .hasMessageContaining("NAME=VALUE");
  }
}
