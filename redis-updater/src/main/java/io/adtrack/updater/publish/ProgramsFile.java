package io.adtrack.updater.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adtrack.updater.coredata.InvalidProgramException;
import io.adtrack.updater.coredata.ProgramDocument;
import io.adtrack.updater.coredata.ProgramValidator;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a file of program documents: a JSON array of documents, or one document per line (JSON Lines). Every
 * document is validated with the Lambda's own {@link ProgramValidator}; one bad document rejects the whole file, so
 * nothing is half-published.
 */
public final class ProgramsFile {

  /** Kinesis limit for one record: data plus partition key. */
  static final int MAX_RECORD_BYTES = 1024 * 1024;

  private final ObjectMapper mapper;
  private final ProgramValidator validator;

  public ProgramsFile(ObjectMapper mapper, ProgramValidator validator) {
    this.mapper = mapper;
    this.validator = validator;
  }

  /** All documents, normalised, in file order; or an exception listing every bad entry. */
  public List<ProgramDocument> read(InputStream in) throws InvalidProgramsFileException, IOException {
    List<ProgramDocument> documents = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    int entry = 0;
    // readValues walks a root-level array element by element, and also a stream of root values (JSON Lines).
    try (MappingIterator<JsonNode> values = mapper.readerFor(JsonNode.class).readValues(in)) {
      while (values.hasNextValue()) {
        JsonNode node = values.nextValue();
        entry++;
        try {
          ProgramDocument document = validator.validate(node);
          int size = KinesisProgramPublisher.recordBytes(document);
          if (size > MAX_RECORD_BYTES) {
            throw new InvalidProgramException("document is " + size + " bytes, over the 1 MiB Kinesis record limit");
          }
          documents.add(document);
        } catch (InvalidProgramException e) {
          problems.add("entry " + entry + idOf(node) + ": " + e.getMessage());
        }
      }
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      problems.add("not JSON after entry " + entry + ": " + e.getOriginalMessage() + where);
    }
    if (!problems.isEmpty()) {
      throw new InvalidProgramsFileException(problems);
    }
    return documents;
  }

  private static String idOf(JsonNode node) {
    JsonNode id = node == null ? null : node.get("programId");
    return id != null && id.isTextual() ? " (programId " + id + ")" : "";
  }

  /** The file breaks the schema; {@link #problems()} names each bad entry. */
  public static final class InvalidProgramsFileException extends Exception {

    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    InvalidProgramsFileException(List<String> problems) {
      super(problems.size() + " problem(s): " + String.join("; ", problems));
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }
}
