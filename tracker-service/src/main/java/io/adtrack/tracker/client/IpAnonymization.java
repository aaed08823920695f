package io.adtrack.tracker.client;

import com.google.common.net.InetAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP_ANONYMIZATION: what is left of the client's address in the event. TrackerConfig holds this enum, and reading
 * the configuration needs nothing but the JDK (the deployment checks read it), so no signature here names a protobuf
 * or Guava type.
 */
public enum IpAnonymization {

  /** IPv4 with its last octet zeroed (a /24), IPv6 cut to its /48: the network, not the device. */
  TRUNCATE,
  /** No address at all. */
  DROP,
  /** The address as resolved. */
  OFF;

  /** Bytes of an IPv6 address kept by {@link #TRUNCATE}: 48 bits. */
  private static final int IPV6_KEPT_BYTES = 6;

  /** Applies this treatment to an IP literal (as {@link ClientAddress} gives it), or to "" (none known). */
  public String apply(String ip) {
    if (ip.isEmpty() || this == DROP) {
      return "";
    }
    if (this == OFF) {
      return ip;
    }
    if (isIpv4(ip)) {
      // The common case, without parsing: keep "a.b.c." and zero the last octet.
      return ip.substring(0, ip.lastIndexOf('.') + 1) + '0';
    }
    InetAddress address = InetAddresses.forString(ip);
    byte[] bytes = address.getAddress();
    if (address instanceof Inet4Address) {
      // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is an IPv4 client: truncated as one.
      bytes[3] = 0;
    } else {
      for (int i = IPV6_KEPT_BYTES; i < bytes.length; i++) {
        bytes[i] = 0;
      }
    }
    try {
      return InetAddresses.toAddrString(InetAddress.getByAddress(bytes));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("an address of " + bytes.length + " bytes", e); // 4 or 16: cannot happen
    }
  }

  /** Four decimal octets of 0..255 separated by dots, checked without a regex or a parse. */
  static boolean isIpv4(String text) {
    int dots = 0;
    int octet = 0;
    int digits = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '.') {
        if (digits == 0 || ++dots > 3) {
          return false;
        }
        octet = 0;
        digits = 0;
      } else if (c >= '0' && c <= '9' && digits < 3) {
        octet = octet * 10 + (c - '0');
        digits++;
        if (octet > 255) {
          return false;
        }
      } else {
        return false;
      }
    }
    return dots == 3 && digits > 0;
  }
}
