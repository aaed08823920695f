package io.adtrack.tracker.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adtrack.tracker.program.Program;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CallValidationTest {

  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

  private static Program program(Optional<Instant> from, Optional<Instant> until) {
    return new Program("p1", "Program", OptionalLong.of(9124), "Customer", Optional.of("124"), from, until,
        Optional.empty(), 1, Optional.empty());
  }

  private static final Program VALID = program(Optional.of(NOW.minusSeconds(60)), Optional.of(NOW.plusSeconds(60)));

  @ParameterizedTest
  @ValueSource(strings = {"a", "212313", "A-b_9", "x123456789012345678901234567890123456789012345678901234567890123"})
  void wellFormedIds_areAccepted(String id) {
    assertThat(id.length()).isLessThanOrEqualTo(64);
    assertThat(CallValidation.isValidProgramId(id)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "a b", "a/b", "é", "a.b", "a%20",
      "x1234567890123456789012345678901234567890123456789" + "0123456789012345"})
  void illFormedIds_areRefused(String id) {
    assertThat(CallValidation.isValidProgramId(id)).isFalse();
    assertThat(CallValidation.checkProgramId(id).status()).isEqualTo(400);
  }

  @Test
  void validity_isInclusiveAtTheStart_andExclusiveAtTheEnd() {
    Program window = program(Optional.of(NOW), Optional.of(NOW.plusSeconds(1)));
    assertThat(CallValidation.checkAgainst(window, CallParameters.NONE, NOW)).isNull();
    assertThat(CallValidation.checkAgainst(window, CallParameters.NONE, NOW.minusMillis(1)).status()).isEqualTo(410);
    assertThat(CallValidation.checkAgainst(window, CallParameters.NONE, NOW.plusSeconds(1)).status()).isEqualTo(410);
  }

  @Test
  void aProgramWithoutBounds_isAlwaysValid() {
    assertThat(CallValidation.checkAgainst(program(Optional.empty(), Optional.empty()), CallParameters.NONE,
        Instant.EPOCH)).isNull();
  }

  @Test
  void aMatchingCustomerIdAndChecksum_areAccepted() {
    CallParameters call = new CallParameters(OptionalLong.of(9124), Optional.of("124"), Map.of());
    assertThat(CallValidation.checkAgainst(VALID, call, NOW)).isNull();
  }

  @Test
  void aMismatchedCustomerIdOrChecksum_is400_withoutNamingTheChecksum() {
    Rejection customer = CallValidation.checkAgainst(VALID,
        new CallParameters(OptionalLong.of(1), Optional.empty(), Map.of()), NOW);
    Rejection checksum = CallValidation.checkAgainst(VALID,
        new CallParameters(OptionalLong.empty(), Optional.of("125"), Map.of()), NOW);
    Rejection prefix = CallValidation.checkAgainst(VALID,
        new CallParameters(OptionalLong.empty(), Optional.of("12"), Map.of()), NOW);

    assertThat(List.of(customer, checksum, prefix)).allSatisfy(r -> {
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.message()).doesNotContain("124");
    });
  }

  @Test
  void aChecksumGiven_forAProgramWithoutOne_is400() {
    Program noChecksum = new Program("p1", "P", OptionalLong.empty(), "C", Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), 1, Optional.empty());
    assertThat(CallValidation.checkAgainst(noChecksum,
        new CallParameters(OptionalLong.empty(), Optional.of(""), Map.of()), NOW).status()).isEqualTo(400);
    assertThat(CallValidation.checkAgainst(noChecksum,
        new CallParameters(OptionalLong.of(5), Optional.empty(), Map.of()), NOW).status()).isEqualTo(400);
  }

  @Test
  void expiryIsCheckedBeforeParameters() {
    Program expired = program(Optional.empty(), Optional.of(NOW.minusSeconds(1)));
    assertThat(CallValidation.checkAgainst(expired,
        new CallParameters(OptionalLong.of(1), Optional.empty(), Map.of()), NOW).status()).isEqualTo(410);
  }

  @Test
  void parseQuery_separatesCustomerIdAndChecksum_fromExtraParameters() {
    Map<String, List<String>> query = new LinkedHashMap<>();
    query.put("customerId", List.of("9124"));
    query.put("checksum", List.of("124"));
    query.put("campaign", List.of("spring"));

    CallParameters call = CallValidation.parseQuery(query);

    assertThat(call.customerId()).hasValue(9124);
    assertThat(call.checksum()).contains("124");
    assertThat(call.params()).containsExactlyEntriesOf(Map.of("campaign", "spring"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "-1", "+1", "1.0", " 1", "1234567890123456789"})
  void malformedCustomerIds_areRefused(String value) {
    assertThatThrownBy(() -> CallValidation.parseQuery(Map.of("customerId", List.of(value))))
        .isInstanceOf(InvalidCallException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a=1&b=two", "q=caf%C3%A9&x=%F0%9F%98%80", "sp=a+b%20c", "empty=&=v", "pct=%25", "%41=%7a"})
  void queriesOfAsciiAndUtf8Escapes_pass(String query) {
    CallValidation.checkQueryEncoding(query);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a=%FF", "a=%C3", "a=%C3x", "a=%C3%28", "a=%ED%A0%80", "a=%C0%AF", "a=%F8%88%80%80%80",
      "a=%E2%82"})
  void escapesThatAreNotUtf8_areRefused(String query) {
    assertThatThrownBy(() -> CallValidation.checkQueryEncoding(query))
        .isInstanceOf(InvalidCallException.class).hasMessageContaining("not valid UTF-8");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a=%ZZ", "a=%4", "a=%", "%=1", "a=%G1"})
  void brokenEscapes_areRefused(String query) {
    assertThatThrownBy(() -> CallValidation.checkQueryEncoding(query))
        .isInstanceOf(InvalidCallException.class).hasMessageContaining("not properly URL-encoded");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a=caf\u00e9", "a=\u00c3\u00a9", "a=\u20ac", "a=tab\tin"})
  void rawNonAsciiOrControlCharacters_areRefused(String query) {
    assertThatThrownBy(() -> CallValidation.checkQueryEncoding(query))
        .isInstanceOf(InvalidCallException.class).hasMessageContaining("must be ASCII");
  }

  @Test
  void repeatedParameters_areRefused() {
    assertThatThrownBy(() -> CallValidation.parseQuery(Map.of("a", List.of("1", "2"))))
        .isInstanceOf(InvalidCallException.class).hasMessageContaining("more than once");
  }

  @Test
  void extraParameters_areBoundedInCountAndLength() {
    Map<String, String> params = new HashMap<>();
    for (int i = 0; i < CallParameters.MAX_PARAMS; i++) {
      CallValidation.addParam(params, "p" + i, "v");
    }
    assertThatThrownBy(() -> CallValidation.addParam(params, "one-more", "v"))
        .isInstanceOf(InvalidCallException.class);
    assertThatThrownBy(() -> CallValidation.addParam(new HashMap<>(), "n".repeat(65), "v"))
        .isInstanceOf(InvalidCallException.class);
    assertThatThrownBy(() -> CallValidation.addParam(new HashMap<>(), "", "v"))
        .isInstanceOf(InvalidCallException.class);
    assertThatThrownBy(() -> CallValidation.addParam(new HashMap<>(), "n", "v".repeat(1025)))
        .isInstanceOf(InvalidCallException.class);
  }
}
