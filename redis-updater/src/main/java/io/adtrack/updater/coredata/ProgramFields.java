package io.adtrack.updater.coredata;

import java.util.List;

/**
 * Field names of a core-data program document. They are, by contract (docs/contracts.md, "Core data: an ad
 * program"), both the JSON keys publishers send and the field names of the Redis hash {@code program:{programId}}
 * the tracker reads.
 */
public final class ProgramFields {

  public static final String PROGRAM_ID = "programId";
  public static final String PROGRAM_NAME = "programName";
  public static final String CUSTOMER_ID = "customerId";
  public static final String CUSTOMER_NAME = "customerName";
  public static final String CHECKSUM = "checksum";
  public static final String VALID_FROM = "validFrom";
  public static final String VALID_UNTIL = "validUntil";
  public static final String LANDING_URL = "landingUrl";
  /** The HMAC key the program's click links are signed with: a secret, never shown in a log line or an error. */
  public static final String CLICK_SIGNING_KEY = "clickSigningKey";
  public static final String VERSION = "version";
  /** Only in a deletion document: {@code {"programId":..,"version":..,"deleted":true}}. */
  public static final String DELETED = "deleted";

  /** Every field an upsert may carry, in the order the normalised document lists them. */
  public static final List<String> UPSERT_FIELDS = List.of(PROGRAM_ID, PROGRAM_NAME, CUSTOMER_ID, CUSTOMER_NAME,
      CHECKSUM, VALID_FROM, VALID_UNTIL, LANDING_URL, CLICK_SIGNING_KEY, VERSION);

  private ProgramFields() {
  }
}
