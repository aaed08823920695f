package io.adtrack.updater.coredata;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Any bytes on core-data-updates: the validator the Lambda and the publisher CLI share answers a valid, normalised
 * program or a clear reason, and never anything else (an exception of another kind would fail the Lambda's batch
 * again and again, blocking the shard). A document it accepts reads back as itself from its own normalised JSON.
 */
class ProgramValidatorFuzzTest {

  private static final ProgramValidator VALIDATOR = new ProgramValidator();

  @FuzzTest(maxExecutions = 10_000)
  @DictionaryEntries({"\"programId\"", "\"programName\"", "\"customerId\"", "\"customerName\"",
      "\"checksum\"", "\"validFrom\"", "\"validUntil\"", "\"landingUrl\"", "\"version\"", "\"deleted\"",
      "true", "null", "2026-01-01T00:00:00Z", "+02:00", "https://", "9007199254740991", "1e400", "\\u0000"})
  void anyBytes_becomeAValidProgram_orAClearReason(byte[] data) {
    ProgramDocument document;
    try {
      document = VALIDATOR.parse(data);
    } catch (InvalidProgramException e) {
      assertThat(e.getMessage()).as("the reason").isNotBlank().hasSizeLessThan(400);
      return;
    }
    assertThat(document.programId()).matches("[A-Za-z0-9_-]{1,64}");
    assertThat(document.version()).isBetween(1L, ProgramValidator.MAX_VERSION);
    assertThat(document.fields().values()).doesNotContainNull();
    try {
      assertThat(VALIDATOR.parse(document.json().getBytes(StandardCharsets.UTF_8))).isEqualTo(document);
    } catch (InvalidProgramException e) {
      throw new AssertionError("the normalised form of an accepted document is refused: " + document.json(), e);
    }
  }
}
