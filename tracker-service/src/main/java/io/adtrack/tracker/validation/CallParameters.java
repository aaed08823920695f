package io.adtrack.tracker.validation;

import io.adtrack.conventions.ClickSigning;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a tracking call claims, already checked for form (not yet against the program).
 *
 * @param customerId the call's customerId, if it gave one
 * @param checksum   the call's checksum, if it gave one
 * @param params     every other parameter, bounded in count and length
 * @param query      a GET call's query as decoded, every parameter as given (one value each): what a click link's
 *                   signature covers; empty for an event of POST /events
 */
public record CallParameters(OptionalLong customerId, Optional<String> checksum, Map<String, String> params,
    Map<String, List<String>> query) {

  /** A call that carries no query of its own (an event of POST /events, a test). */
  public CallParameters(OptionalLong customerId, Optional<String> checksum, Map<String, String> params) {
    this(customerId, checksum, params, Map.of());
  }

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

  /** This call without a signed link's {@code exp} and {@code sig}: checked, they are no part of the event. */
  public CallParameters withoutSignature() {
    Map<String, String> rest = new LinkedHashMap<>(params);
    rest.remove(ClickSigning.EXPIRES);
    rest.remove(ClickSigning.SIGNATURE);
    return new CallParameters(customerId, checksum, rest, query);
  }
}
