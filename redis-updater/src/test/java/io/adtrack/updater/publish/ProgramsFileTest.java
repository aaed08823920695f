package io.adtrack.updater.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.adtrack.updater.coredata.ProgramDocument;
import io.adtrack.updater.coredata.ProgramValidator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Reading program files (array or one per line), and splitting them into PutRecords calls. */
class ProgramsFileTest {

  private final ProgramsFile reader = new ProgramsFile(new ObjectMapper(), new ProgramValidator());

  private List<ProgramDocument> read(String text) throws Exception {
    return reader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void shouldReadEveryDocumentInOrder_whenFileIsAJsonArray() throws Exception {
    assertThat(read("[{\"programId\":\"a\",\"version\":1}, {\"programId\":\"b\",\"version\":2}]"))
        .extracting(ProgramDocument::programId).containsExactly("a", "b");
  }

  @Test
  void shouldReadEveryDocumentInOrder_whenFileHasOneDocumentPerLine() throws Exception {
    assertThat(read("{\"programId\":\"a\",\"version\":1}\n\n{\"programId\":\"b\",\"version\":2}\n"))
        .extracting(ProgramDocument::programId).containsExactly("a", "b");
  }

  @Test
  void shouldNameEveryBadEntry_whenSeveralAreInvalid() {
    assertThatThrownBy(() -> read("[{\"programId\":\"a\"},{\"programId\":\"b\",\"version\":1},{\"version\":1}]"))
        .isInstanceOfSatisfying(ProgramsFile.InvalidProgramsFileException.class, e -> assertThat(e.problems())
            .containsExactly("entry 1 (programId \"a\"): version is missing", "entry 3: programId is missing"));
  }

  @Test
  void shouldReportWhere_whenFileIsNotJson() {
    assertThatThrownBy(() -> read("[{\"programId\":\"a\",\"version\":1},\n{oops}]"))
        .isInstanceOfSatisfying(ProgramsFile.InvalidProgramsFileException.class,
            e -> assertThat(e.problems()).singleElement().asString().startsWith("not JSON after entry 1")
                .contains("line 2"));
  }

  @Test
  void shouldRejectDocument_whenLargerThanAKinesisRecord() {
    String huge = "x".repeat(ProgramsFile.MAX_RECORD_BYTES);
    assertThatThrownBy(() -> read("[{\"programId\":\"a\",\"programName\":\"" + huge + "\",\"version\":1}]"))
        .hasMessageContaining("1 MiB Kinesis record limit");
  }

  @Test
  void shouldSplitInto500RecordCalls_whenFileIsLarge() {
    List<ProgramDocument> documents = new ArrayList<>();
    for (int i = 0; i < 1201; i++) {
      documents.add(new ProgramDocument("p" + i, 1, false, Map.of(), "{\"programId\":\"p" + i + "\"}"));
    }

    assertThat(KinesisProgramPublisher.batches(documents)).extracting(List::size).containsExactly(500, 500, 201);
  }

  @Test
  void shouldStartANewCallBefore5MiB_whenDocumentsAreLarge() {
    String json = "x".repeat(900 * 1024);
    List<ProgramDocument> documents = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      documents.add(new ProgramDocument("p" + i, 1, false, Map.of(), json));
    }

    assertThat(KinesisProgramPublisher.batches(documents)).extracting(List::size).containsExactly(5, 5, 2);
  }

  @Test
  void shouldHoldTheProgramsTheLocalPipelineNeeds_inTheSampleFile() throws Exception {
    List<ProgramDocument> sample;
    try (InputStream in = ProgramsFileTest.class.getResourceAsStream("/sample-programs.json")) {
      sample = reader.read(in);
    } catch (IOException e) {
      throw new AssertionError("sample-programs.json missing", e);
    }
    Instant now = Instant.now();
    Map<String, Map<String, String>> byId = sample.stream()
        .collect(Collectors.toMap(ProgramDocument::programId, ProgramDocument::fields));

    assertThat(byId).hasSizeGreaterThanOrEqualTo(5);
    assertThat(byId.values()).anySatisfy(f -> assertThat(f).doesNotContainKey("landingUrl"));
    assertThat(byId.values()).filteredOn(f -> f.containsKey("validUntil"))
        .anySatisfy(f -> assertThat(Instant.parse(f.get("validUntil"))).isBefore(now));
    assertThat(byId.values()).filteredOn(f -> f.containsKey("validFrom"))
        .anySatisfy(f -> assertThat(Instant.parse(f.get("validFrom"))).isAfter(now));
    assertThat(byId.values()).filteredOn(f -> f.containsKey("landingUrl") && !f.containsKey("validFrom"))
        .isNotEmpty();
  }
}
