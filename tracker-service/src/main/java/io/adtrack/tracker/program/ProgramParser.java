package io.adtrack.tracker.program;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads core data in the two forms the contract gives it (docs/contracts.md, "Redis: keys and channel"): the Redis
 * hash {@code program:{id}} (all values strings) and the JSON document published on {@code core-data-updates}. Both
 * go through {@link #fromFields(Map)}, so there is one mapping of field names.
 */
public final class ProgramParser {

  private ProgramParser() {
  }

  /**
   * Maps the fields of a Redis hash to a program.
   *
   * @throws MalformedCoreDataException when programId or version is missing or a value does not parse
   */
  public static Program fromFields(Map<String, String> fields) {
    String programId = required(fields, "programId");
    try {
      String customerId = blankToNull(fields.get("customerId"));
      return new Program(
          programId,
          fields.getOrDefault("programName", ""),
          customerId == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(customerId)),
          fields.getOrDefault("customerName", ""),
          Optional.ofNullable(blankToNull(fields.get("checksum"))),
          Optional.ofNullable(blankToNull(fields.get("validFrom"))).map(Instant::parse),
          Optional.ofNullable(blankToNull(fields.get("validUntil"))).map(Instant::parse),
          Optional.ofNullable(blankToNull(fields.get("landingUrl"))),
          Long.parseLong(required(fields, "version")),
          Optional.ofNullable(blankToNull(fields.get("clickSigningKey"))));
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new MalformedCoreDataException("core data of program " + programId + " does not parse: "
          + e.getMessage(), e);
    }
  }

  /**
   * Maps a message from {@code core-data-updates}: an upsert (the program's fields) or a deletion
   * ({@code {"programId":..,"version":..,"deleted":true}}).
   *
   * @throws MalformedCoreDataException when the message is not such a document
   */
  public static ProgramChange fromMessage(String message) {
    JsonObject json;
    try {
      json = new JsonObject(message);
    } catch (DecodeException e) {
      throw new MalformedCoreDataException("core-data message is not a JSON object", e);
    }
    Map<String, String> fields = new HashMap<>();
    json.forEach(entry -> {
      if (entry.getValue() != null) {
        fields.put(entry.getKey(), entry.getValue().toString());
      }
    });
    if (Boolean.parseBoolean(fields.get("deleted"))) {
      try {
        return new ProgramChange.Deletion(required(fields, "programId"),
            Long.parseLong(required(fields, "version")));
      } catch (NumberFormatException e) {
        throw new MalformedCoreDataException("deletion of " + fields.get("programId") + " has a bad version", e);
      }
    }
    return new ProgramChange.Upsert(fromFields(fields));
  }

  private static String required(Map<String, String> fields, String name) {
    String value = blankToNull(fields.get(name));
    if (value == null) {
      throw new MalformedCoreDataException("core data lacks " + name + " (programId " + fields.get("programId")
          + ")", null);
    }
    return value;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
