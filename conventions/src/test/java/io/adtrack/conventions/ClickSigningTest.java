package io.adtrack.conventions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Known answers computed outside Java (Python's hmac), so the definition, not this code, is what is pinned. */
class ClickSigningTest {

  private static final String KEY = "docs-example-key-0123456789abcdef";

  @Test
  void theStringToSign_isProgramExpiryAndTheSortedEncodedParameters_withoutExpAndSig() {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("slot", "top banner");
    params.put("customerId", "9124");
    params.put("exp", "ignored");
    params.put("sig", "ignored");

    assertThat(ClickSigning.stringToSign("212313", "1767225600", params))
        .isEqualTo("212313\n1767225600\ncustomerId=9124&slot=top%20banner");
    assertThat(ClickSigning.sign(KEY, "212313", "1767225600", params))
        .isEqualTo("pcLOAkFDM78SvxYe34gKK3bB6jhUzhVsFgWgSl1wt5U");
  }

  @Test
  void nonAsciiIsSignedAsUtf8PercentEncoded_andNoParametersLeaveAnEmptyLastLine() {
    assertThat(ClickSigning.sign(KEY, "summer-sale", "4102444800", Map.of("z", "1", "cé", "€")))
        .isEqualTo("yenEONNDYIbbuZ9qoBE-dL2gybwsKqpQUNMwzWTveVM");
    assertThat(ClickSigning.stringToSign("p", "1", Map.of())).isEqualTo("p\n1\n");
    assertThat(ClickSigning.percentEncode("a-._~Z9 +/&=%")).isEqualTo("a-._~Z9%20%2B%2F%26%3D%25");
  }

  @Test
  void verify_acceptsTheSignature_withOrWithoutPadding_andNothingElse() {
    Map<String, String> params = Map.of("slot", "top banner", "customerId", "9124");
    String sig = "pcLOAkFDM78SvxYe34gKK3bB6jhUzhVsFgWgSl1wt5U";

    assertThat(ClickSigning.verify(KEY, "212313", "1767225600", params, sig)).isTrue();
    assertThat(ClickSigning.verify(KEY, "212313", "1767225600", params, sig + "=")).isTrue();
    assertThat(ClickSigning.verify(KEY, "212313", "1767225601", params, sig)).as("other expiry").isFalse();
    assertThat(ClickSigning.verify(KEY, "212314", "1767225600", params, sig)).as("other program").isFalse();
    assertThat(ClickSigning.verify(KEY, "212313", "1767225600", Map.of("slot", "top"), sig)).isFalse();
    assertThat(ClickSigning.verify(KEY + "x", "212313", "1767225600", params, sig)).as("other key").isFalse();
    assertThat(ClickSigning.verify(KEY, "212313", "1767225600", params, "not*base64")).isFalse();
    assertThat(ClickSigning.verify(KEY, "212313", "1767225600", params, "")).isFalse();
  }

  @Test
  void signedQuery_carriesTheParametersExpAndAVerifyingSig() {
    String query = ClickSigning.signedQuery(KEY, "212313", 1767225600L, Map.of("slot", "top banner",
        "customerId", "9124"));

    assertThat(query).isEqualTo("customerId=9124&slot=top%20banner&exp=1767225600"
        + "&sig=pcLOAkFDM78SvxYe34gKK3bB6jhUzhVsFgWgSl1wt5U");
  }

  @Test
  void aKeyIs32To256PrintableAsciiCharacters() {
    assertThat(ClickSigning.isValidKey("x".repeat(32))).isTrue();
    assertThat(ClickSigning.isValidKey("x".repeat(256))).isTrue();
    assertThat(ClickSigning.isValidKey("x".repeat(31))).isFalse();
    assertThat(ClickSigning.isValidKey("x".repeat(257))).isFalse();
    assertThat(ClickSigning.isValidKey("x".repeat(31) + " ")).isFalse();
    assertThat(ClickSigning.isValidKey("x".repeat(31) + "é")).isFalse();
    assertThat(ClickSigning.isValidKey(null)).isFalse();
  }
}
