package io.adtrack.tracker.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAnonymizationTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "203.0.113.77, 203.0.113.0",
      "10.0.0.0, 10.0.0.0",
      "255.255.255.255, 255.255.255.0",
      "127.0.0.1, 127.0.0.0",
      // IPv6 keeps its /48: the site, not the subnet or the device.
      "2001:db8:1:2:3:4:5:6, 2001:db8:1::",
      "2001:0db8:abcd:0012:0000:0000:0000:0001, 2001:db8:abcd::",
      "2001:db8::1, 2001:db8::",
      "::1, ::",
      "0:0:0:0:0:0:0:1, ::",
      "fe80::1:2:3:4, fe80::",
      // An IPv4 client seen through an IPv6 socket is truncated as IPv4.
      "::ffff:203.0.113.77, 203.0.113.0"})
  void truncate_keepsTheNetwork(String ip, String truncated) {
    assertThat(IpAnonymization.TRUNCATE.apply(ip)).isEqualTo(truncated);
  }

  @Test
  void drop_keepsNothing_andOff_keepsTheAddress() {
    assertThat(IpAnonymization.DROP.apply("203.0.113.77")).isEmpty();
    assertThat(IpAnonymization.DROP.apply("2001:db8::1")).isEmpty();
    assertThat(IpAnonymization.OFF.apply("203.0.113.77")).isEqualTo("203.0.113.77");
    assertThat(IpAnonymization.OFF.apply("2001:db8:1:2::7")).isEqualTo("2001:db8:1:2::7");
  }

  @Test
  void noAddress_staysNone_whateverTheMode() {
    for (IpAnonymization mode : IpAnonymization.values()) {
      assertThat(mode.apply("")).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0", "1.2.3.4", "255.255.255.255", "10.010.0.1"})
  void isIpv4_acceptsDottedQuads(String text) {
    assertThat(IpAnonymization.isIpv4(text)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "1.2.3", "1.2.3.4.", ".1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.1000", "1..3.4",
      "1.2.3.-4", "a.b.c.d", "1.2.3.4 ", "::1"})
  void isIpv4_refusesAnythingElse(String text) {
    assertThat(IpAnonymization.isIpv4(text)).isFalse();
  }
}
