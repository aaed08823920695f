package io.adtrack.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README stays a map a newcomer reads in minutes, and no link of it or of {@code docs/} leads nowhere: the
 * detail is one click away only while the click works.
 */
class DocumentationTest {

  /** The README's budget: the pitch, the two commands, the architecture, a short tour and the links. */
  private static final long README_MAX_BYTES = 12_000;
  /** The sections of contracts.md, in order: the code cites them by name. */
  private static final List<String> CONTRACT_SECTIONS = List.of(
      "Core data: an ad program",
      "Redis: keys and channel",
      "Tracking calls (HTTP API)",
      "The event on the wire",
      "The DynamoDB item",
      "Streams and partition keys",
      "Configuration conventions");
  private static final Pattern SECTION = Pattern.compile("(?m)^## (.+?)\\s*$");

  private static final Path README = Repository.ROOT.resolve("README.md");
  private static final Path DOCS = Repository.ROOT.resolve("docs");

  @Test
  void readmeStaysUnderTwelveKilobytes() throws IOException {
    assertThat(Files.size(README))
        .as("README.md is the map; the detail belongs in docs/")
        .isLessThan(README_MAX_BYTES);
  }

  @Test
  void everyRelativeLinkOfTheReadmeAndTheDocsLeadsToAFileAndHeadingThatExist() throws IOException {
    List<Path> pages = pages();
    assertThat(pages).contains(README, DOCS.resolve("contracts.md"), DOCS.resolve("architecture.md"));

    assertThat(new MarkdownLinks().brokenLinks(pages)).isEmpty();
  }

  @Test
  void contractsKeepTheSectionsTheCodeCitesInOrder() throws IOException {
    Matcher section = SECTION.matcher(Files.readString(DOCS.resolve("contracts.md")));
    List<String> sections = new ArrayList<>();
    while (section.find()) {
      sections.add(section.group(1));
    }

    assertThat(sections).containsSubsequence(CONTRACT_SECTIONS);
  }

  @Test
  void reportsAMissingFileAndAMissingHeading(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("docs"));
    Files.writeString(dir.resolve("docs/target.md"), """
        # Target
        ## Tracking calls (HTTP API)
        ## A program's events: `./program-events`
        ## Twice
        ## Twice
        """);
    Path page = Files.writeString(dir.resolve("README.md"), """
        [ok](docs/target.md#tracking-calls-http-api), [ok](docs/target.md#a-programs-events-program-events),
        [ok](docs/target.md#twice-1), [ok](#own-heading), [external](https://example.com/nowhere.md)
        [gone](docs/missing.md) and [no such heading](docs/target.md#tracking-calls)
        `[in code](docs/ignored.md)`

        ```
        [in a block](docs/ignored-too.md)
        ```
        ## Own heading
        """);

    List<MarkdownLinks.Broken> broken = new MarkdownLinks().brokenLinks(List.of(page));

    assertThat(broken).extracting(MarkdownLinks.Broken::target)
        .containsExactly("docs/missing.md", "docs/target.md#tracking-calls");
  }

  /** README.md and every Markdown page under docs/. */
  private static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(README));
    try (Stream<Path> files = Files.walk(DOCS)) {
      files.filter(file -> file.getFileName().toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }
}
