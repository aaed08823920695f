package io.adtrack.tracker.client;

/**
 * The signals a call carries about how it wants to be treated: an opt-out of tracking ({@code DNT: 1}, or Global
 * Privacy Control's {@code Sec-GPC: 1}) and speculative loading ({@code Sec-Purpose: prefetch}, or the older
 * {@code Purpose: prefetch}), where nobody has clicked yet.
 */
public final class PrivacySignals {

  private PrivacySignals() {
  }

  /** True when either header says "1" (anything else, "0" included, is no opt-out). */
  public static boolean optedOut(String doNotTrack, String globalPrivacyControl) {
    return isOne(doNotTrack) || isOne(globalPrivacyControl);
  }

  /**
   * True for a prefetch: {@code Sec-Purpose} is a structured list whose first item is the token {@code prefetch}
   * (also {@code prefetch;prerender}, {@code prefetch;anonymous-client-ip}), {@code Purpose} the bare token.
   */
  public static boolean prefetch(String secPurpose, String purpose) {
    return firstTokenIsPrefetch(secPurpose) || firstTokenIsPrefetch(purpose);
  }

  private static boolean isOne(String value) {
    return value != null && "1".equals(value.trim());
  }

  private static boolean firstTokenIsPrefetch(String value) {
    if (value == null) {
      return false;
    }
    int end = value.length();
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) == ';' || value.charAt(i) == ',') {
        end = i;
        break;
      }
    }
    return "prefetch".equalsIgnoreCase(value.substring(0, end).trim());
  }
}
