package io.adtrack.tracker.client;

import com.google.common.net.InetAddresses;

/**
 * Which address a call came from, behind {@code trustedProxies} reverse proxies (the ALB is one).
 *
 * <p>Each proxy appends the address it received the call from to {@code X-Forwarded-For}, so only the right end of
 * the header is written by hops we trust; whatever the client sent itself sits further left. The client is the hop
 * just left of the trusted ones: the peer when no proxy is trusted, the header's last entry behind one proxy, the
 * one before it behind two. A header with fewer entries than that gives its first entry (the furthest hop known).
 */
public final class ClientAddress {

  private ClientAddress() {
  }

  /**
   * @param forwardedFor   the X-Forwarded-For value (several header lines joined by commas), or null
   * @param peer           the TCP peer's address
   * @param trustedProxies how many proxies in front of the tracker append to X-Forwarded-For
   * @return the client's address, or "" when the hop that would name it did not give an IP address
   */
  public static String resolve(String forwardedFor, String peer, int trustedProxies) {
    String address = trustedProxies == 0 || forwardedFor == null || forwardedFor.isBlank()
        ? peer
        : entryFromRight(forwardedFor, trustedProxies - 1);
    return isIpAddress(address) ? address : "";
  }

  /** The entry {@code index} places from the right (0 = last), or the first entry when there are fewer. */
  private static String entryFromRight(String header, int index) {
    int end = header.length();
    for (int skipped = 0; skipped < index; skipped++) {
      int comma = header.lastIndexOf(',', end - 1);
      if (comma < 0) {
        break;
      }
      end = comma;
    }
    int start = header.lastIndexOf(',', end - 1) + 1;
    return header.substring(start, end).trim();
  }

  /** An IPv4 dotted quad or an IPv6 literal, nothing to resolve (no host names, no ports). */
  static boolean isIpAddress(String address) {
    if (address == null || address.isEmpty()) {
      return false;
    }
    return address.indexOf(':') >= 0 ? InetAddresses.isInetAddress(address) : IpAnonymization.isIpv4(address);
  }
}
