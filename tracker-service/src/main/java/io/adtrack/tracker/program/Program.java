package io.adtrack.tracker.program;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An ad program's core data as the tracker needs it (docs/contracts.md, "Core data: an ad program"). Optional fields
 * are absent rather than null, so validation never trips over a program published without them.
 *
 * @param validFrom       first instant the program may be tracked (inclusive); absent = since ever
 * @param validUntil      first instant it may no longer be tracked (exclusive); absent = for ever
 * @param clickSigningKey the HMAC key its click links are signed with; present: /click needs a valid signature
 */
public record Program(
    String programId,
    String programName,
    OptionalLong customerId,
    String customerName,
    Optional<String> checksum,
    Optional<Instant> validFrom,
    Optional<Instant> validUntil,
    Optional<String> landingUrl,
    long version,
    Optional<String> clickSigningKey) {

  /** Whether the program may be tracked at {@code now}: {@code validFrom <= now < validUntil}. */
  public boolean isValidAt(Instant now) {
    return validFrom.map(from -> !now.isBefore(from)).orElse(true)
        && validUntil.map(now::isBefore).orElse(true);
  }

  /** The checksum and the click signing key are secrets shared with the advertiser: keep them out of logs. */
  @Override
  public String toString() {
    return "Program[" + programId + " v" + version + "]";
  }
}
