package io.adtrack.tracker.validation;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a tracking call claims, already checked for form (not yet against the program).
 *
 * @param customerId the call's customerId, if it gave one
 * @param checksum   the call's checksum, if it gave one
 * @param params     every other parameter, bounded in count and length
 */
public record CallParameters(OptionalLong customerId, Optional<String> checksum, Map<String, String> params) {

  /** Parameter names with a meaning of their own; everything else is passed on in the event's params. */
  public static final String CUSTOMER_ID = "customerId";
  public static final String CHECKSUM = "checksum";

  /** At most this many extra parameters in one call. */
  public static final int MAX_PARAMS = 32;
  /** At most this many characters in an extra parameter's name. */
  public static final int MAX_PARAM_NAME_LENGTH = 64;
  /** At most this many characters in an extra parameter's value (and in a checksum). */
  public static final int MAX_PARAM_VALUE_LENGTH = 1024;

  /** A call that gives nothing but the program id. */
  public static final CallParameters NONE = new CallParameters(OptionalLong.empty(), Optional.empty(), Map.of());
}
