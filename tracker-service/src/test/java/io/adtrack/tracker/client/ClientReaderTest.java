package io.adtrack.tracker.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.adtrack.proto.Privacy;
import io.adtrack.tracker.event.ClientInfo;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

class ClientReaderTest {

  private static final String UA = "Mozilla/5.0 (test)";
  private static final String REFERER = "https://publisher.example/article?reader=alice#part2";

  private final ClientReader behindAlb = new ClientReader(1, IpAnonymization.TRUNCATE, RefererDetail.PATH);

  @Test
  void anOrdinaryCall_keepsItsAgent_aTruncatedAddress_andTheRefererWithoutQuery() {
    ClientInfo client = behindAlb.read(headers().add("X-Forwarded-For", "6.6.6.6, 203.0.113.77"), "10.0.0.9");

    assertThat(client).isEqualTo(new ClientInfo(UA, "https://publisher.example/article", "203.0.113.0",
        Privacy.IP_TRUNCATED));
  }

  @Test
  void doNotTrack_keepsNoPersonalData_butTheCallCounts() {
    ClientInfo client = behindAlb.read(headers().add("DNT", "1").add("X-Forwarded-For", "203.0.113.77"), "10.0.0.9");

    assertThat(client).isEqualTo(new ClientInfo("", "https://publisher.example", "", Privacy.LIMITED));
  }

  @Test
  void globalPrivacyControl_isAnOptOutToo_whateverElseIsConfigured() {
    ClientReader keepEverything = new ClientReader(0, IpAnonymization.OFF, RefererDetail.FULL);

    ClientInfo client = keepEverything.read(headers().add("Sec-GPC", "1"), "203.0.113.77");

    assertThat(client).isEqualTo(new ClientInfo("", "https://publisher.example", "", Privacy.LIMITED));
  }

  @Test
  void severalForwardedForLines_readAsOneList() {
    MultiMap headers = headers().add("X-Forwarded-For", "6.6.6.6").add("X-Forwarded-For", "198.51.100.23, 10.1.2.3");

    ClientInfo client = new ClientReader(2, IpAnonymization.OFF, RefererDetail.PATH).read(headers, "10.0.0.9");

    assertThat(client.clientIp()).isEqualTo("198.51.100.23");
    assertThat(client.privacy()).isEqualTo(Privacy.IP_FULL);
  }

  @Test
  void drop_andFull_doWhatTheySay() {
    ClientInfo client = new ClientReader(0, IpAnonymization.DROP, RefererDetail.FULL).read(headers(), "203.0.113.77");

    assertThat(client).isEqualTo(new ClientInfo(UA, REFERER, "", Privacy.IP_DROPPED));
  }

  @Test
  void eachIpMode_namesItsPrivacyTreatment() {
    assertThat(ClientReader.privacyOf(IpAnonymization.TRUNCATE)).isEqualTo(Privacy.IP_TRUNCATED);
    assertThat(ClientReader.privacyOf(IpAnonymization.DROP)).isEqualTo(Privacy.IP_DROPPED);
    assertThat(ClientReader.privacyOf(IpAnonymization.OFF)).isEqualTo(Privacy.IP_FULL);
  }

  @Test
  void missingHeaders_areEmpty() {
    ClientInfo client = behindAlb.read(MultiMap.caseInsensitiveMultiMap(), "2001:db8:1:2::7");

    assertThat(client).isEqualTo(new ClientInfo("", "", "2001:db8:1::", Privacy.IP_TRUNCATED));
  }

  private static MultiMap headers() {
    return MultiMap.caseInsensitiveMultiMap().add("User-Agent", UA).add("Referer", REFERER);
  }
}
