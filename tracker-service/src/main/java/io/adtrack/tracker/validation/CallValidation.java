package io.adtrack.tracker.validation;

import io.adtrack.conventions.ClickSigning;
import io.adtrack.tracker.program.Program;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The three questions of ad tracking (docs/contracts.md, "Tracking calls (HTTP API)"): is the id well-formed, are
 * the parameters well-formed, and does the call match a program that is valid now. Pure functions, so the rules are
 * tested without a server.
 */
public final class CallValidation {

  private static final int MAX_ID_LENGTH = 64;
  private static final int MAX_CUSTOMER_ID_DIGITS = 18;
  /** Epoch seconds up to the year 33658: more than any link needs, few enough to parse as a long. */
  private static final int MAX_EXPIRY_DIGITS = 12;

  private CallValidation() {
  }

  /** Whether {@code id} is 1–64 characters of {@code [A-Za-z0-9_-]}. Written out because it runs on every call. */
  public static boolean isValidProgramId(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean allowed = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-';
      if (!allowed) {
        return false;
      }
    }
    return true;
  }

  /** The rejection for a malformed id, or null when it is well-formed. */
  public static Rejection checkProgramId(String id) {
    return isValidProgramId(id) ? null
        : Rejection.badRequest("programId must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-'");
  }

  /**
   * Checks a raw (still encoded) query string is what may travel in a URL: ASCII, everything else percent-encoded,
   * and the escapes spelling valid UTF-8. A URL decoder would turn a stray byte into U+FFFD (or a raw byte into
   * mojibake) and the event would carry a value the client never sent; refusing it tells the client instead.
   *
   * @throws InvalidCallException otherwise
   */
  public static void checkQueryEncoding(String rawQuery) {
    ByteBuffer bytes = null;
    for (int i = 0; i < rawQuery.length(); i++) {
      char c = rawQuery.charAt(i);
      if (c >= 0x80 || c < 0x20) {
        throw new InvalidCallException("query string must be ASCII; percent-encode anything else as UTF-8");
      }
      if (c == '%') {
        int high = i + 1 < rawQuery.length() ? Character.digit(rawQuery.charAt(i + 1), 16) : -1;
        int low = i + 2 < rawQuery.length() ? Character.digit(rawQuery.charAt(i + 2), 16) : -1;
        if (high < 0 || low < 0) {
          throw new InvalidCallException("query string is not properly URL-encoded");
        }
        if (bytes == null) {
          bytes = ByteBuffer.allocate(rawQuery.length()).put(rawQuery.substring(0, i).getBytes(
              StandardCharsets.US_ASCII));
        }
        bytes.put((byte) (high << 4 | low));
        i += 2;
      } else if (bytes != null) {
        bytes.put((byte) c);
      }
    }
    if (bytes == null) {
      return; // plain ASCII, nothing escaped: UTF-8 by definition
    }
    try {
      StandardCharsets.UTF_8.newDecoder().decode(bytes.flip()); // reports malformed input rather than replacing it
    } catch (CharacterCodingException e) {
      throw new InvalidCallException("query string escapes are not valid UTF-8");
    }
  }

  /**
   * Reads query parameters (each name with all its values, as given).
   *
   * @throws InvalidCallException when a value is malformed, repeated, or the call carries too many or too long
   *                              parameters
   */
  public static CallParameters parseQuery(Map<String, List<String>> query) {
    OptionalLong customerId = OptionalLong.empty();
    Optional<String> checksum = Optional.empty();
    Map<String, String> params = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> entry : query.entrySet()) {
      String name = entry.getKey();
      List<String> values = entry.getValue();
      if (values.size() != 1) {
        throw new InvalidCallException("parameter " + shortened(name) + " is given more than once");
      }
      String value = values.get(0);
      if (CallParameters.CUSTOMER_ID.equals(name)) {
        customerId = OptionalLong.of(parseCustomerId(value));
      } else if (CallParameters.CHECKSUM.equals(name)) {
        checksum = Optional.of(checkChecksum(value));
      } else {
        addParam(params, name, value);
      }
    }
    return new CallParameters(customerId, checksum, params, query);
  }

  /**
   * Parses a customer id: decimal digits only (no sign, no spaces), at most 18 of them.
   *
   * @throws InvalidCallException otherwise
   */
  public static long parseCustomerId(String value) {
    if (value.isEmpty() || value.length() > MAX_CUSTOMER_ID_DIGITS) {
      throw new InvalidCallException("customerId must be a number of 1-18 digits");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        throw new InvalidCallException("customerId must be a number of 1-18 digits");
      }
    }
    return Long.parseLong(value);
  }

  /**
   * Checks a checksum's form.
   *
   * @throws InvalidCallException when it is empty or too long
   */
  public static String checkChecksum(String value) {
    if (value.isEmpty() || value.length() > CallParameters.MAX_PARAM_VALUE_LENGTH) {
      throw new InvalidCallException("checksum must be 1-" + CallParameters.MAX_PARAM_VALUE_LENGTH + " characters");
    }
    return value;
  }

  /**
   * Adds one extra parameter, enforcing the bounds.
   *
   * @throws InvalidCallException when a bound is exceeded
   */
  public static void addParam(Map<String, String> params, String name, String value) {
    if (params.size() >= CallParameters.MAX_PARAMS) {
      throw new InvalidCallException("at most " + CallParameters.MAX_PARAMS + " extra parameters are allowed");
    }
    if (name.isEmpty() || name.length() > CallParameters.MAX_PARAM_NAME_LENGTH) {
      throw new InvalidCallException("parameter names must be 1-" + CallParameters.MAX_PARAM_NAME_LENGTH
          + " characters");
    }
    if (value.length() > CallParameters.MAX_PARAM_VALUE_LENGTH) {
      throw new InvalidCallException("parameter " + name + " is longer than "
          + CallParameters.MAX_PARAM_VALUE_LENGTH + " characters");
    }
    if (params.putIfAbsent(name, value) != null) {
      throw new InvalidCallException("parameter " + name + " is given more than once");
    }
  }

  /**
   * Checks the call against its program: valid now (else 410), and a customerId or checksum the call gives must
   * match the program's (else 400). The checksum is compared in constant time, so response timing does not
   * reveal how much of a guess was right.
   *
   * @return the rejection, or null when the call is valid
   */
  public static Rejection checkAgainst(Program program, CallParameters call, Instant now) {
    if (!program.isValidAt(now)) {
      return Rejection.gone("program " + program.programId() + " is not valid now");
    }
    if (call.customerId().isPresent()
        && (program.customerId().isEmpty() || program.customerId().getAsLong() != call.customerId().getAsLong())) {
      return Rejection.badRequest("customerId does not match the program");
    }
    if (call.checksum().isPresent() && !checksumMatches(program, call.checksum().get())) {
      return Rejection.badRequest("checksum does not match the program");
    }
    return null;
  }

  /**
   * Checks a signed click link (docs/invalid-traffic.md, "Signed click links") of a program with a clickSigningKey:
   * {@code exp} (epoch seconds, 1-12 digits) not yet reached and {@code sig} the link's signature, else 403. The
   * signature is compared in constant time.
   *
   * @return the rejection, or null when the link is valid (or the program signs nothing)
   */
  public static Rejection checkClickSignature(Program program, CallParameters call, Instant now) {
    if (program.clickSigningKey().isEmpty()) {
      return null;
    }
    String exp = call.params().get(ClickSigning.EXPIRES);
    String sig = call.params().get(ClickSigning.SIGNATURE);
    if (exp == null || sig == null) {
      return Rejection.forbidden("click link of program " + program.programId() + " must be signed: exp and sig"
          + " are missing");
    }
    if (exp.isEmpty() || exp.length() > MAX_EXPIRY_DIGITS || !digitsOnly(exp)) {
      return Rejection.forbidden("exp must be epoch seconds");
    }
    Map<String, String> signed = new LinkedHashMap<>();
    call.query().forEach((name, values) -> signed.put(name, values.get(0)));
    if (!ClickSigning.verify(program.clickSigningKey().get(), program.programId(), exp, signed, sig)) {
      return Rejection.forbidden("click link signature does not match");
    }
    if (now.getEpochSecond() >= Long.parseLong(exp)) {
      return Rejection.forbidden("click link expired");
    }
    return null;
  }

  private static boolean digitsOnly(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean checksumMatches(Program program, String given) {
    byte[] expected = program.checksum().orElse("").getBytes(StandardCharsets.UTF_8);
    byte[] actual = given.getBytes(StandardCharsets.UTF_8);
    // A program without a checksum matches nothing; isEqual still runs, so that case takes no shortcut.
    return MessageDigest.isEqual(expected, actual) && program.checksum().isPresent();
  }

  private static String shortened(String name) {
    return name.length() > MAX_ID_LENGTH ? name.substring(0, MAX_ID_LENGTH) + "..." : name;
  }
}
