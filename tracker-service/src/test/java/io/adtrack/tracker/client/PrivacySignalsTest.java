package io.adtrack.tracker.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrivacySignalsTest {

  @ParameterizedTest(name = "DNT={0}, Sec-GPC={1} -> {2}")
  @CsvSource(nullValues = "null", value = {
      "1, null, true", "null, 1, true", "1, 1, true", "' 1 ', null, true",
      "0, null, false", "null, 0, false", "null, null, false", "yes, null, false", "11, null, false",
      "0, 1, true"})
  void anOptOut_isDntOrGpcSayingOne(String doNotTrack, String globalPrivacyControl, boolean optedOut) {
    assertThat(PrivacySignals.optedOut(doNotTrack, globalPrivacyControl)).isEqualTo(optedOut);
  }

  @ParameterizedTest(name = "Sec-Purpose={0}, Purpose={1} -> {2}")
  @CsvSource(delimiter = '|', nullValues = "null", value = {
      "prefetch                     | null     | true",
      "prefetch;prerender           | null     | true",
      "prefetch; anonymous-client-ip | null    | true",
      "Prefetch                     | null     | true",
      "null                         | prefetch | true",
      "null                         | null     | false",
      "prerender                    | null     | false",
      "null                         | preview  | false",
      "prefetched                   | null     | false",
      "''                           | ''       | false"})
  void aPrefetch_isSaidBySecPurposeOrPurpose(String secPurpose, String purpose, boolean prefetch) {
    assertThat(PrivacySignals.prefetch(secPurpose, purpose)).isEqualTo(prefetch);
  }
}
