package io.adtrack.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** The sample program documents published at start, read to tell the user which ids to try. */
record SamplePrograms(List<JsonNode> documents) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads a JSON array of documents, or one document per line (both forms the publisher CLI accepts). */
  static SamplePrograms read(Path file) {
    try {
      JsonNode root = JSON.readTree(file.toFile());
      List<JsonNode> documents = new ArrayList<>();
      if (root != null && root.isArray()) {
        root.forEach(documents::add);
      } else {
        try (MappingIterator<JsonNode> lines = JSON.readerFor(JsonNode.class).readValues(file.toFile())) {
          lines.forEachRemaining(documents::add);
        }
      }
      return new SamplePrograms(List.copyOf(documents));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the sample programs " + file, e);
    }
  }

  /** A program that exists and is valid now once the samples are applied (the last document per id wins). */
  String tryProgramId() {
    return liveNow().stream().findFirst()
        .orElseThrow(() -> new IllegalStateException("the sample programs hold no program valid now"));
  }

  /** "id (name)" of every program live now. */
  List<String> describe() {
    return liveNow().stream()
        .map(id -> id + " (" + latest(id).path("programName").asText("?") + ")")
        .toList();
  }

  private List<String> liveNow() {
    Instant now = Instant.now();
    return documents.stream()
        .map(document -> document.path("programId").asText())
        .distinct()
        .filter(id -> isLive(latest(id), now))
        .toList();
  }

  private JsonNode latest(String programId) {
    JsonNode latest = null;
    for (JsonNode document : documents) {
      if (programId.equals(document.path("programId").asText())
          && (latest == null || document.path("version").asLong() >= latest.path("version").asLong())) {
        latest = document;
      }
    }
    return latest;
  }

  private static boolean isLive(JsonNode document, Instant now) {
    if (document.path("deleted").asBoolean(false)) {
      return false;
    }
    return !instant(document, "validFrom", Instant.MIN).isAfter(now)
        && instant(document, "validUntil", Instant.MAX).isAfter(now);
  }

  private static Instant instant(JsonNode document, String field, Instant absent) {
    JsonNode value = document.get(field);
    if (value == null || value.isNull()) {
      return absent;
    }
    try {
      return Instant.parse(value.asText());
    } catch (DateTimeParseException e) {
      // The updater rejects such a document anyway; it is simply not a program to try.
      return Instant.MIN;
    }
  }
}
