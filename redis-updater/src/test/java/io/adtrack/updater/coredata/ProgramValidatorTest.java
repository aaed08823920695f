package io.adtrack.updater.coredata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each schema rule of a core-data document, accepted and rejected. */
class ProgramValidatorTest {

  private final ProgramValidator validator = new ProgramValidator();

  private ProgramDocument parse(String json) throws InvalidProgramException {
    return validator.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private void assertRejected(String json, String reasonFragment) {
    assertThatThrownBy(() -> parse(json)).isInstanceOf(InvalidProgramException.class)
        .hasMessageContaining(reasonFragment);
  }

  @Test
  void shouldNormaliseTheDesignExample() throws Exception {
    ProgramDocument document = parse("{\"programId\":\"212313\",\"programName\":\"program2\",\"customerId\":9124,"
        + "\"customerName\":\"Customer2\",\"checksum\":\"124\",\"validFrom\":\"2026-01-01T00:00:00Z\","
        + "\"validUntil\":\"2027-01-01T00:00:00Z\",\"landingUrl\":\"https://advertiser.example/offer\",\"version\":7}");

    assertThat(document.programId()).isEqualTo("212313");
    assertThat(document.version()).isEqualTo(7);
    assertThat(document.deleted()).isFalse();
    assertThat(document.fields()).containsExactly(Map.entry("programId", "212313"),
        Map.entry("programName", "program2"), Map.entry("customerId", "9124"), Map.entry("customerName", "Customer2"),
        Map.entry("checksum", "124"), Map.entry("validFrom", "2026-01-01T00:00:00Z"),
        Map.entry("validUntil", "2027-01-01T00:00:00Z"), Map.entry("landingUrl", "https://advertiser.example/offer"),
        Map.entry("version", "7"));
    assertThat(document.json()).isEqualTo("{\"programId\":\"212313\",\"programName\":\"program2\","
        + "\"customerId\":9124,\"customerName\":\"Customer2\",\"checksum\":\"124\","
        + "\"validFrom\":\"2026-01-01T00:00:00Z\",\"validUntil\":\"2027-01-01T00:00:00Z\","
        + "\"landingUrl\":\"https://advertiser.example/offer\",\"version\":7}");
  }

  @Test
  void shouldAcceptMinimalDocument_whenOnlyProgramIdAndVersionAreGiven() throws Exception {
    ProgramDocument document = parse("{\"programId\":\"p\",\"version\":1}");

    assertThat(document.fields()).containsOnlyKeys("programId", "version");
    assertThat(document.json()).isEqualTo("{\"programId\":\"p\",\"version\":1}");
  }

  @Test
  void shouldTreatNullAsAbsentAndDropUnknownFields() throws Exception {
    ProgramDocument document = parse("{\"programId\":\"p\",\"version\":2,\"landingUrl\":null,\"future\":[1]}");

    assertThat(document.fields()).containsOnlyKeys("programId", "version");
  }

  @Test
  void shouldReduceToTheDeletionForm_whenDeletedIsTrue() throws Exception {
    ProgramDocument document = parse("{\"programId\":\"p\",\"version\":8,\"deleted\":true,\"programName\":\"x\"}");

    assertThat(document.deleted()).isTrue();
    assertThat(document.fields()).isEmpty();
    assertThat(document.json()).isEqualTo("{\"programId\":\"p\",\"version\":8,\"deleted\":true}");
  }

  @Test
  void shouldBeAnUpsert_whenDeletedIsFalse() throws Exception {
    assertThat(parse("{\"programId\":\"p\",\"version\":8,\"deleted\":false}").deleted()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "A-z_09", "0123456789012345678901234567890123456789012345678901234567890123"})
  void shouldAcceptProgramId_whenItMatchesThePattern(String id) throws Exception {
    assertThat(parse("{\"programId\":\"" + id + "\",\"version\":1}").programId()).isEqualTo(id);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"\"", "\"has space\"", "\"a/b\"", "\"ü\"", "\"program:1\"", "42",
      "\"01234567890123456789012345678901234567890123456789012345678901234\""})
  void shouldRejectProgramId_whenItBreaksThePattern(String id) {
    assertRejected("{\"programId\":" + id + ",\"version\":1}", "programId must be");
  }

  @Test
  void shouldRejectDocument_whenProgramIdIsMissing() {
    assertRejected("{\"version\":1}", "programId is missing");
  }

  @Test
  void shouldRejectDocument_whenVersionIsMissing() {
    assertRejected("{\"programId\":\"p\"}", "version is missing");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "1.5", "\"7\"", "true", "9007199254740992", "99999999999999999999"})
  void shouldRejectVersion_whenNotAPositiveSafeInteger(String version) {
    assertRejected("{\"programId\":\"p\",\"version\":" + version + "}", "version must be");
  }

  @Test
  void shouldAcceptVersion_whenItIsTheLargestExactDouble() throws Exception {
    assertThat(parse("{\"programId\":\"p\",\"version\":9007199254740991}").version())
        .isEqualTo(ProgramValidator.MAX_VERSION);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "2026-01-01T00:00:00Z|2026-01-01T00:00:00Z",
      "2026-01-01T00:00:00.5Z|2026-01-01T00:00:00.500Z",
      "2026-01-01T02:00:00+02:00|2026-01-01T00:00:00Z"})
  void shouldNormaliseDatesToUtcInstants(String given, String stored) throws Exception {
    assertThat(parse("{\"programId\":\"p\",\"version\":1,\"validFrom\":\"" + given + "\"}").fields())
        .containsEntry("validFrom", stored);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"2026-01-01\"", "\"2026-01-01T00:00:00\"", "\"yesterday\"", "1767225600000",
      "\"2026-13-01T00:00:00Z\""})
  void shouldRejectDate_whenNotAnIsoInstant(String date) {
    assertRejected("{\"programId\":\"p\",\"version\":1,\"validUntil\":" + date + "}", "validUntil must be");
  }

  @ParameterizedTest
  @CsvSource({"2027-01-01T00:00:00Z,2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z,2026-01-01T00:00:00Z"})
  void shouldRejectDocument_whenValidFromIsNotBeforeValidUntil(String from, String until) {
    assertRejected("{\"programId\":\"p\",\"version\":1,\"validFrom\":\"" + from + "\",\"validUntil\":\"" + until
        + "\"}", "must be before validUntil");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://a.example", "https://a.example/offer?x=1#top", "HTTPS://A.EXAMPLE:8443/"})
  void shouldAcceptLandingUrl_whenAbsoluteHttp(String url) throws Exception {
    assertThat(parse("{\"programId\":\"p\",\"version\":1,\"landingUrl\":\"" + url + "\"}").fields())
        .containsEntry("landingUrl", url);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"/relative\"", "\"ftp://a.example/f\"", "\"javascript:alert(1)\"", "\"https://\"",
      "\"http://a b.example\"", "\"\"", "42"})
  void shouldRejectLandingUrl_whenNotAbsoluteHttp(String url) {
    assertRejected("{\"programId\":\"p\",\"version\":1,\"landingUrl\":" + url + "}", "landingUrl must be");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"9124\"", "1.5", "true", "99999999999999999999"})
  void shouldRejectCustomerId_whenNotAnInteger(String customerId) {
    assertRejected("{\"programId\":\"p\",\"version\":1,\"customerId\":" + customerId + "}", "customerId must be");
  }

  @ParameterizedTest
  @ValueSource(strings = {"programName", "customerName", "checksum"})
  void shouldRejectTextField_whenNotAString(String field) {
    assertRejected("{\"programId\":\"p\",\"version\":1,\"" + field + "\":124}", field + " must be a string");
  }

  @Test
  void shouldRejectDeleted_whenNotABoolean() {
    assertRejected("{\"programId\":\"p\",\"version\":1,\"deleted\":\"yes\"}", "deleted must be true or false");
  }

  @Test
  void shouldCheckKnownFieldTypes_evenInADeletion() {
    assertRejected("{\"programId\":\"p\",\"version\":1,\"deleted\":true,\"customerId\":\"x\"}", "customerId");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "not json", "[1,2]", "\"text\"", "{\"programId\":\"p\",\"version\":1"})
  void shouldRejectData_whenNotAJsonObject(String data) {
    assertThatThrownBy(() -> parse(data)).isInstanceOf(InvalidProgramException.class);
  }

  @Test
  void shouldShortenTheOffendingValue_whenItIsLong() {
    String longName = "x".repeat(10_000);
    assertThatThrownBy(() -> parse("{\"programId\":\"" + longName + "\",\"version\":1}"))
        .hasMessageEndingWith("...")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
  }

  @Test
  void shouldKeepAClickSigningKey_afterTheLandingUrl_andNeverShowItInAToString() throws Exception {
    String key = "a-key-of-32-printable-characters!";
    ProgramDocument document = parse("{\"clickSigningKey\":\"" + key + "\",\"version\":3,\"programId\":\"p\","
        + "\"landingUrl\":\"https://advertiser.example/\"}");

    assertThat(document.fields()).containsExactly(Map.entry("programId", "p"),
        Map.entry("landingUrl", "https://advertiser.example/"), Map.entry("clickSigningKey", key),
        Map.entry("version", "3"));
    assertThat(document.json()).isEqualTo("{\"programId\":\"p\",\"landingUrl\":\"https://advertiser.example/\","
        + "\"clickSigningKey\":\"" + key + "\",\"version\":3}");
    assertThat(document.toString()).isEqualTo("ProgramDocument[p v3]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"short-but-zqx\"", "\"thirty-one-characters-zqx-xxxxx\"",
      "\"a zqx key with spaces of more than 32 characters\"", "\"a-zqx-key-that-is-long-enough-\u00e9\"", "42",
      "[\"zqx-in-an-array-of-32-characters\"]"})
  void shouldRejectAClickSigningKeyThatIsNot32To256PrintableCharacters_withoutShowingIt(String value) {
    String json = "{\"programId\":\"p\",\"version\":1,\"clickSigningKey\":" + value + "}";

    assertThatThrownBy(() -> parse(json)).isInstanceOf(InvalidProgramException.class)
        .hasMessageContaining("clickSigningKey must be a string of 32-256 printable ASCII characters")
        .hasMessageNotContaining("zqx").hasMessageNotContaining("42");
  }
}
