package io.adtrack.updater.coredata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adtrack.conventions.ClickSigning;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a core-data document against the schema (docs/contracts.md, "Core data: an ad program") and normalises it.
 * Used by the Lambda on every record and by the publisher CLI before anything is sent, so both accept exactly the
 * same documents.
 *
 * <p>Normalisation: unknown fields are dropped, JSON {@code null} counts as absent, dates become UTC instants
 * ({@code 2026-01-01T00:00:00Z}), a deletion keeps only programId, version and {@code deleted:true}.
 */
public final class ProgramValidator {

  /** Largest version accepted: the Lua script compares versions as doubles, exact up to 2^53 - 1. */
  public static final long MAX_VERSION = (1L << 53) - 1;

  private static final Pattern PROGRAM_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final int MAX_SHOWN_CHARS = 80;

  private final ObjectMapper mapper;

  public ProgramValidator(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  public ProgramValidator() {
    this(new ObjectMapper());
  }

  /** Parses and validates one Kinesis record's data (UTF-8 JSON). */
  public ProgramDocument parse(byte[] data) throws InvalidProgramException {
    JsonNode node;
    try {
      node = mapper.readTree(data);
    } catch (JsonProcessingException e) {
      throw new InvalidProgramException("not JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new InvalidProgramException("unreadable: " + e.getMessage(), e);
    }
    return validate(node);
  }

  /** Validates an already parsed document. */
  public ProgramDocument validate(JsonNode node) throws InvalidProgramException {
    if (node == null || !node.isObject()) {
      throw new InvalidProgramException("not a JSON object");
    }
    String programId = programId(node);
    long version = version(node);
    boolean deleted = deleted(node);

    // Every known field is checked even in a deletion: a wrongly typed field means the publisher is broken.
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put(ProgramFields.PROGRAM_ID, programId);
    putText(node, ProgramFields.PROGRAM_NAME, fields);
    Long customerId = customerId(node);
    if (customerId != null) {
      fields.put(ProgramFields.CUSTOMER_ID, Long.toString(customerId));
    }
    putText(node, ProgramFields.CUSTOMER_NAME, fields);
    putText(node, ProgramFields.CHECKSUM, fields);
    Instant validFrom = instant(node, ProgramFields.VALID_FROM);
    Instant validUntil = instant(node, ProgramFields.VALID_UNTIL);
    if (validFrom != null && validUntil != null && !validFrom.isBefore(validUntil)) {
      throw new InvalidProgramException("validFrom " + validFrom + " must be before validUntil " + validUntil);
    }
    if (validFrom != null) {
      fields.put(ProgramFields.VALID_FROM, validFrom.toString());
    }
    if (validUntil != null) {
      fields.put(ProgramFields.VALID_UNTIL, validUntil.toString());
    }
    String landingUrl = landingUrl(node);
    if (landingUrl != null) {
      fields.put(ProgramFields.LANDING_URL, landingUrl);
    }
    String clickSigningKey = clickSigningKey(node);
    if (clickSigningKey != null) {
      fields.put(ProgramFields.CLICK_SIGNING_KEY, clickSigningKey);
    }
    fields.put(ProgramFields.VERSION, Long.toString(version));

    if (deleted) {
      ObjectNode json = mapper.createObjectNode()
          .put(ProgramFields.PROGRAM_ID, programId)
          .put(ProgramFields.VERSION, version)
          .put(ProgramFields.DELETED, true);
      return new ProgramDocument(programId, version, true, Map.of(), json.toString());
    }
    return new ProgramDocument(programId, version, false, fields, toJson(fields, customerId, version));
  }

  /** The published document: same keys as the input, customerId and version as JSON numbers. */
  private String toJson(Map<String, String> fields, Long customerId, long version) {
    ObjectNode json = mapper.createObjectNode();
    fields.forEach((name, value) -> {
      switch (name) {
        case ProgramFields.CUSTOMER_ID -> json.put(name, customerId);
        case ProgramFields.VERSION -> json.put(name, version);
        default -> json.put(name, value);
      }
    });
    return json.toString();
  }

  private static String programId(JsonNode node) throws InvalidProgramException {
    JsonNode value = present(node, ProgramFields.PROGRAM_ID);
    if (value == null) {
      throw new InvalidProgramException("programId is missing");
    }
    if (!value.isTextual() || !PROGRAM_ID.matcher(value.textValue()).matches()) {
      throw new InvalidProgramException("programId must be 1-64 characters of [A-Za-z0-9_-], got " + shown(value));
    }
    return value.textValue();
  }

  private static long version(JsonNode node) throws InvalidProgramException {
    JsonNode value = present(node, ProgramFields.VERSION);
    if (value == null) {
      throw new InvalidProgramException("version is missing");
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 1
        || value.longValue() > MAX_VERSION) {
      throw new InvalidProgramException("version must be an integer from 1 to " + MAX_VERSION + ", got "
          + shown(value));
    }
    return value.longValue();
  }

  private static boolean deleted(JsonNode node) throws InvalidProgramException {
    JsonNode value = present(node, ProgramFields.DELETED);
    if (value == null) {
      return false;
    }
    if (!value.isBoolean()) {
      throw new InvalidProgramException("deleted must be true or false, got " + shown(value));
    }
    return value.booleanValue();
  }

  private static Long customerId(JsonNode node) throws InvalidProgramException {
    JsonNode value = present(node, ProgramFields.CUSTOMER_ID);
    if (value == null) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new InvalidProgramException("customerId must be an integer, got " + shown(value));
    }
    return value.longValue();
  }

  private static void putText(JsonNode node, String name, Map<String, String> fields)
      throws InvalidProgramException {
    JsonNode value = present(node, name);
    if (value == null) {
      return;
    }
    if (!value.isTextual()) {
      throw new InvalidProgramException(name + " must be a string, got " + shown(value));
    }
    fields.put(name, value.textValue());
  }

  private static Instant instant(JsonNode node, String name) throws InvalidProgramException {
    JsonNode value = present(node, name);
    if (value == null) {
      return null;
    }
    if (value.isTextual()) {
      try {
        // ISO-8601 date-time with an offset ("Z" or "+02:00"); a local time without one is ambiguous.
        return OffsetDateTime.parse(value.textValue(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
      } catch (DateTimeParseException e) {
        // Falls through to the rejection below, which names the field and the value.
      }
    }
    throw new InvalidProgramException(name + " must be an ISO-8601 instant like 2026-01-01T00:00:00Z, got "
        + shown(value));
  }

  private static String landingUrl(JsonNode node) throws InvalidProgramException {
    JsonNode value = present(node, ProgramFields.LANDING_URL);
    if (value == null) {
      return null;
    }
    if (value.isTextual()) {
      try {
        URI uri = new URI(value.textValue());
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.isAbsolute() && (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
          return value.textValue();
        }
      } catch (URISyntaxException e) {
        // Falls through to the rejection below, which names the field and the value.
      }
    }
    throw new InvalidProgramException("landingUrl must be an absolute http(s) URL, got " + shown(value));
  }

  /** A secret: the rejection says what is wrong with it, never what it is. */
  private static String clickSigningKey(JsonNode node) throws InvalidProgramException {
    JsonNode value = present(node, ProgramFields.CLICK_SIGNING_KEY);
    if (value == null) {
      return null;
    }
    if (!value.isTextual() || !ClickSigning.isValidKey(value.textValue())) {
      throw new InvalidProgramException(ProgramFields.CLICK_SIGNING_KEY + " must be a string of "
          + ClickSigning.MIN_KEY_LENGTH + "-" + ClickSigning.MAX_KEY_LENGTH
          + " printable ASCII characters without spaces (the value is not shown: it is a secret)");
    }
    return value.textValue();
  }

  /** The field's value, or null when it is absent or JSON null (both mean "not given"). */
  private static JsonNode present(JsonNode node, String name) {
    JsonNode value = node.get(name);
    return value == null || value.isNull() ? null : value;
  }

  /** The offending value for a log line, cut short: a record may be up to 1 MB. */
  private static String shown(JsonNode value) {
    String text = value.toString();
    return text.length() <= MAX_SHOWN_CHARS ? text : text.substring(0, MAX_SHOWN_CHARS) + "...";
  }
}
