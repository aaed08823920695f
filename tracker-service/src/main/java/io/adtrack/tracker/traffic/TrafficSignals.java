package io.adtrack.tracker.traffic;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * What a call tells about whether a person made it, read before privacy removes anything: classification sees the
 * user agent of a call that opted out (DNT, GPC) although the event will not keep it. Nothing here is stored.
 *
 * @param userAgent the {@code User-Agent} header as sent; null when there was none
 * @param prefetch  {@code Sec-Purpose: prefetch} or {@code Purpose: prefetch}: a speculative load
 * @param clientKey who clicked, for duplicate clicks ({@link #clientKey(String, String)}); null when unknown or not
 *                  asked for
 */
public record TrafficSignals(String userAgent, boolean prefetch, String clientKey) {

  /** Bytes of the SHA-256 digest kept: 128 bits, 22 base64url characters. */
  private static final int KEY_BYTES = 16;
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  });

  /**
   * The client of a click as the deduplication key names it (docs/invalid-traffic.md, "Duplicate clicks"): a digest
   * of the client's address as IP_ANONYMIZATION leaves it and its user agent, so Redis holds neither in clear. Null
   * when there is no address (IP_ANONYMIZATION=drop, or none found) or no user agent: a repeat could then not be
   * told from another person with the same browser, so such clicks are not deduplicated.
   *
   * @param network the address as IP_ANONYMIZATION leaves it (a /24 or /48 by default), "" for none
   */
  public static String clientKey(String network, String userAgent) {
    if (network.isEmpty() || userAgent == null || userAgent.isBlank()) {
      return null;
    }
    MessageDigest sha = SHA_256.get();
    sha.update(network.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) '\n');
    byte[] digest = sha.digest(userAgent.getBytes(StandardCharsets.UTF_8));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, KEY_BYTES));
  }
}
