package io.adtrack.conventions;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed click links (docs/invalid-traffic.md, "Signed click links"): the one definition of the string an ad server
 * signs and the tracker checks, so the publisher CLI's {@code sign-click} and the tracker cannot drift apart.
 *
 * <pre>
 * string to sign = programId LF exp LF canonical query
 * canonical query = every query parameter but exp and sig, each as pct(name) "=" pct(value),
 *                   sorted by pct(name) (ASCII), joined with "&amp;" ("" when there is none)
 * pct(s)          = the UTF-8 bytes of s, A-Z a-z 0-9 - . _ ~ as they are, every other byte as %XX (upper-case hex)
 * sig             = base64url, without padding, of HMAC-SHA256(key = UTF-8 of clickSigningKey, string to sign)
 * </pre>
 *
 * <p>Parameters are signed as decoded values, so however a client percent-encodes a link it verifies the same.
 */
public final class ClickSigning {

  /** The query parameter carrying the link's expiry, epoch seconds: the link is refused from that second on. */
  public static final String EXPIRES = "exp";
  /** The query parameter carrying the signature. */
  public static final String SIGNATURE = "sig";
  /** Shortest clickSigningKey the updater accepts: 32 characters, 256 bits of printable ASCII at most. */
  public static final int MIN_KEY_LENGTH = 32;
  /** Longest clickSigningKey the updater accepts. */
  public static final int MAX_KEY_LENGTH = 256;

  private static final String HMAC = "HmacSHA256";
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
  /** A Mac per thread: {@code Mac.getInstance} looks the provider up on every call. */
  private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> {
    try {
      return Mac.getInstance(HMAC);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
    }
  });

  private ClickSigning() {
  }

  /** Whether {@code key} is fit to sign with: 32-256 printable ASCII characters (no space). */
  public static boolean isValidKey(String key) {
    if (key == null || key.length() < MIN_KEY_LENGTH || key.length() > MAX_KEY_LENGTH) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c <= 0x20 || c >= 0x7F) {
        return false;
      }
    }
    return true;
  }

  /** The string to sign; {@code exp} and {@code sig} among {@code params} are left out. */
  public static String stringToSign(String programId, String exp, Map<String, String> params) {
    return programId + '\n' + exp + '\n' + canonicalQuery(params);
  }

  /** The signature of a link: base64url (no padding) of HMAC-SHA256 over {@link #stringToSign}. */
  public static String sign(String key, String programId, String exp, Map<String, String> params) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(key, stringToSign(programId, exp, params)));
  }

  /**
   * Whether {@code sig} is the signature of the link, compared in constant time so the answer's timing tells a
   * forger nothing about how much of a guess was right. Padding on {@code sig} is accepted; anything that is not
   * base64url is not a signature.
   */
  public static boolean verify(String key, String programId, String exp, Map<String, String> params, String sig) {
    byte[] given;
    try {
      given = Base64.getUrlDecoder().decode(sig);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(mac(key, stringToSign(programId, exp, params)), given);
  }

  /**
   * The query of a signed link: the parameters, {@code exp} and {@code sig}, in canonical order and encoding (any
   * order and any valid encoding would verify as well).
   */
  public static String signedQuery(String key, String programId, long exp, Map<String, String> params) {
    String expires = Long.toString(exp);
    String query = canonicalQuery(params);
    return (query.isEmpty() ? "" : query + '&') + EXPIRES + '=' + expires + '&' + SIGNATURE + '='
        + sign(key, programId, expires, params);
  }

  /** The canonical query: see the class comment. */
  public static String canonicalQuery(Map<String, String> params) {
    TreeMap<String, String> sorted = new TreeMap<>();
    params.forEach((name, value) -> {
      if (!name.equals(EXPIRES) && !name.equals(SIGNATURE)) {
        sorted.put(percentEncode(name), percentEncode(value));
      }
    });
    StringBuilder query = new StringBuilder();
    sorted.forEach((name, value) -> query.append(query.length() == 0 ? "" : "&").append(name).append('=')
        .append(value));
    return query.toString();
  }

  /** RFC 3986 percent-encoding of everything but the unreserved characters. */
  public static String percentEncode(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    StringBuilder encoded = new StringBuilder(bytes.length + 8);
    for (byte b : bytes) {
      int c = b & 0xFF;
      if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
          || c == '~') {
        encoded.append((char) c);
      } else {
        encoded.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
    return encoded.toString();
  }

  private static byte[] mac(String key, String message) {
    Mac mac = MACS.get();
    try {
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), HMAC));
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("not an HMAC key", e); // an HMAC takes any non-empty key
    }
    return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
  }
}
