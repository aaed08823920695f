package io.adtrack.tracker.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientAddressTest {

  private static final String PEER = "10.0.0.9";

  @ParameterizedTest(name = "X-Forwarded-For [{0}] behind {1} proxies -> {2}")
  @CsvSource(delimiter = '|', nullValues = "null", value = {
      // No trusted proxy: the header is the client's own words, never read.
      "6.6.6.6                               | 0 | 10.0.0.9",
      "null                                  | 0 | 10.0.0.9",
      // One proxy (the ALB) appended what it saw: the last entry, whatever the client wrote before it.
      "203.0.113.7                           | 1 | 203.0.113.7",
      "6.6.6.6, 203.0.113.7                  | 1 | 203.0.113.7",
      "6.6.6.6,203.0.113.7                   | 1 | 203.0.113.7",
      "6.6.6.6, 7.7.7.7 , 203.0.113.7        | 1 | 203.0.113.7",
      // Two proxies (a CDN, then the ALB): the CDN's entry is the client, the last is the CDN.
      "6.6.6.6, 198.51.100.23, 10.1.2.3      | 2 | 198.51.100.23",
      "198.51.100.23, 10.1.2.3               | 2 | 198.51.100.23",
      // Fewer entries than trusted hops: the furthest hop known.
      "198.51.100.23                         | 2 | 198.51.100.23",
      // Nothing forwarded at all: the peer.
      "null                                  | 1 | 10.0.0.9",
      "'   '                                 | 1 | 10.0.0.9",
      // IPv6, as the ALB writes it.
      "6.6.6.6, 2001:db8:1:2::7              | 1 | 2001:db8:1:2::7"})
  void theClientIsTheHopLeftOfTheTrustedOnes(String forwardedFor, int trustedProxies, String expected) {
    assertThat(ClientAddress.resolve(forwardedFor, PEER, trustedProxies)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "[{0}] -> none")
  @CsvSource(delimiter = '|', value = {
      "unknown", "203.0.113.7:443", "host.example", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "'6.6.6.6, '",
      "2001:db8::zz"})
  void anEntryThatIsNoIpAddress_givesNone(String forwardedFor) {
    assertThat(ClientAddress.resolve(forwardedFor, PEER, 1)).isEmpty();
  }

  @ParameterizedTest(name = "peer {0}")
  @CsvSource({"127.0.0.1", "0:0:0:0:0:0:0:1", "::1", "2001:db8::5"})
  void thePeerAsVertxGivesIt_isAnAddress(String peer) {
    assertThat(ClientAddress.resolve(null, peer, 0)).isEqualTo(peer);
  }
}
