package io.adtrack.tracker.program;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgramParserTest {

  @Test
  void theDesignDocumentsExample_parses() {
    ProgramChange change = ProgramParser.fromMessage("{\"programId\":\"212313\",\"programName\":\"program2\","
        + "\"customerId\":9124,\"customerName\":\"Customer2\",\"checksum\":\"124\","
        + "\"validFrom\":\"2026-01-01T00:00:00Z\",\"validUntil\":\"2027-01-01T00:00:00Z\","
        + "\"landingUrl\":\"https://advertiser.example/offer\",\"version\":7}");

    assertThat(change).isInstanceOf(ProgramChange.Upsert.class);
    Program program = ((ProgramChange.Upsert) change).program();
    assertThat(program.programId()).isEqualTo("212313");
    assertThat(program.customerId()).hasValue(9124);
    assertThat(program.checksum()).contains("124");
    assertThat(program.validFrom()).contains(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(program.landingUrl()).contains("https://advertiser.example/offer");
    assertThat(program.version()).isEqualTo(7);
    assertThat(program.toString()).doesNotContain("124\"").doesNotContain("checksum");
  }

  @Test
  void aDeletion_parses() {
    assertThat(ProgramParser.fromMessage("{\"programId\":\"212313\",\"version\":8,\"deleted\":true}"))
        .isEqualTo(new ProgramChange.Deletion("212313", 8));
  }

  @Test
  void optionalFields_mayBeAbsentFromTheHash() {
    Program program = ProgramParser.fromFields(Map.of("programId", "p", "version", "1"));

    assertThat(program.customerId()).isEmpty();
    assertThat(program.validFrom()).isEmpty();
    assertThat(program.validUntil()).isEmpty();
    assertThat(program.landingUrl()).isEmpty();
    assertThat(program.programName()).isEmpty();
  }

  @Test
  void contractBreakingCoreData_isMalformed_notNull() {
    assertThatThrownBy(() -> ProgramParser.fromFields(Map.of("programId", "p")))
        .isInstanceOf(MalformedCoreDataException.class).hasMessageContaining("version");
    assertThatThrownBy(() -> ProgramParser.fromFields(Map.of("programId", "p", "version", "1", "validFrom", "x")))
        .isInstanceOf(MalformedCoreDataException.class);
    assertThatThrownBy(() -> ProgramParser.fromMessage("[1,2]")).isInstanceOf(MalformedCoreDataException.class);
  }
}
