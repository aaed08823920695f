package io.adtrack.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The metric names and dimensions the stack's scrape and export configuration, dashboard and alarms refer to are
 * names the running tracker (its production jar) exposes on /metrics ({@link MetricsContract}); and each check fails
 * on a tracker or a template changed the way it is there to catch.
 */
class MetricsContractTest {

  private static String scrape;
  private static Template template;

  @TempDir
  Path directory;

  @BeforeAll
  static void scrapeTheTracker() throws Exception {
    template = Template.load(Repository.TEMPLATE);
    try (TrackerProcess tracker = TrackerProcess.startJar(Map.of(), Path.of("target", "metrics-contract.log"))) {
      scrape = tracker.get(tracker.managementPort(), "/metrics").body();
      tracker.stop();
    }
  }

  @Test
  void theAgentExportsOnlyMetricsAndLabelsTheTrackerServes() {
    MetricsContract.Export export = MetricsContract.Export.of(template);

    assertThat(MetricsContract.exportNotServed(export, served())).isEmpty();
    assertThat(export.metrics()).as("the check has something to look at")
        .contains("tracker_buffer_oldest_age_seconds", "tracker_requests_total", "tracker_redis_latency_seconds");
  }

  @Test
  void theDashboardAndTheAlarmsReadOnlyWhatTheAgentExports() {
    assertThat(MetricsContract.readNotExported(template, MetricsContract.Export.of(template), served())).isEmpty();
    assertThat(MetricsContract.reads(template)).extracting(MetricsContract.Read::where)
        .contains("TrackerOldestEventAgeAlarm", "TrackerBufferFullAlarm", "TrackerKinesisFailuresAlarm failed")
        .anyMatch(where -> where.startsWith("Dashboard widget"));
  }

  @Test
  void everyExportedMetricIsOnTheDashboard() {
    assertThat(MetricsContract.exportedNotShown(template, MetricsContract.Export.of(template))).isEmpty();
  }

  @Test
  void theAgentScrapesTheManagementPort_andWritesToALogGroupOfTheStack() {
    assertThat(MetricsContract.scrapeNotWired(template, MetricsContract.Export.of(template))).isEmpty();
  }

  @Test
  void dimensionsAreBounded_andTheCustomMetricCountIsTheOneTheOperationsDocsPrice() throws Exception {
    MetricsContract.Export export = MetricsContract.Export.of(template);
    String operations = Files.readString(Repository.ROOT.resolve("docs/operations.md"), StandardCharsets.UTF_8);
    Matcher documented = Pattern.compile("\\*\\*(\\d+) custom metrics\\*\\*").matcher(operations);

    assertThat(MetricsContract.unboundedDimensions(export)).isEmpty();
    assertThat(documented.find()).as("docs/operations.md states the count as **N custom metrics**").isTrue();
    assertThat(MetricsContract.customMetrics(export, served())).isEqualTo(Integer.parseInt(documented.group(1)));
  }

  static Stream<Arguments> breakages() {
    return Stream.of(
        tracker("the tracker renames a metric", "tracker_buffer_records ", "tracker_buffer_depth ",
            "tracker_buffer_records: exported, but the tracker serves no such metric"),
        tracker("the tracker renames a label", "outcome=", "result=",
            "tracker_requests_total: dimension outcome is no label of its series"),
        template("a dashboard row with a typo", "\"tracker_cache_size\", \"Stack\"",
            "\"tracker_cache_sizes\", \"Stack\"", "reads tracker_cache_sizes, which the agent does not export"),
        template("an alarm on a 503 cause the agent does not let through", "Value: core_data_unavailable",
            "Value: spool_full", "with outcome=spool_full, which the agent does not export"),
        template("a per-program dimension", "\"dimensions\": [[\"Stack\", \"outcome\"]]",
            "\"dimensions\": [[\"Stack\", \"outcome\", \"programId\"]]",
            "dimension programId is not known to be bounded"),
        template("a matcher value no series has", "buffer_full|core", "buffer_ful|core",
            "the matcher lets outcome=buffer_ful through, a value its series never have"),
        template("a scrape of the public port", "targets: [\"localhost:8081\"]", "targets: [\"localhost:8080\"]",
            "the scrape reads [localhost:8080], the tracker's MANAGEMENT_PORT is 8081"),
        template("a selector dropped", "\"^tracker_cache_size$\",\n", "",
            "reads tracker_cache_size, which the agent does not export"),
        template("an exported metric nobody shows", "[\"adtrack/tracker\", \"tracker_cache_size\", \"Stack\", "
            + "\"${AWS::StackName}\", {\"stat\": \"Maximum\", \"yAxis\": \"right\"}]",
            "[{\"expression\": \"1\", \"label\": \"nothing\", \"id\": \"none\"}]",
            "tracker_cache_size: exported, but not on the dashboard"));
  }

  private static Arguments tracker(String breakage, String served, String renamed, String problem) {
    return Arguments.of(breakage, "", "", served, renamed, problem);
  }

  private static Arguments template(String breakage, String text, String replacement, String problem) {
    return Arguments.of(breakage, text, replacement, "", "", problem);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("breakages")
  void eachCheckCatchesWhatItIsThereFor(String breakage, String templateText, String templateReplacement,
      String servedText, String servedReplacement, String problem) throws Exception {
    Template broken = templateText.isEmpty() ? template : changedTemplate(templateText, templateReplacement);
    PrometheusText brokenScrape = PrometheusText.parse(scrape.replace(servedText, servedReplacement));
    MetricsContract.Export export = MetricsContract.Export.of(broken);

    List<String> problems = Stream.of(MetricsContract.exportNotServed(export, brokenScrape),
            MetricsContract.readNotExported(broken, export, brokenScrape),
            MetricsContract.exportedNotShown(broken, export), MetricsContract.scrapeNotWired(broken, export),
            MetricsContract.unboundedDimensions(export))
        .flatMap(List::stream).toList();

    assertThat(problems).as(breakage).anySatisfy(found -> assertThat(found).contains(problem));
  }

  /** A copy of the template with {@code text}, which must occur exactly once, replaced. */
  private Template changedTemplate(String text, String replacement) throws Exception {
    String original = Files.readString(Repository.TEMPLATE, StandardCharsets.UTF_8);
    assertThat(original.split(Pattern.quote(text), -1)).as("exactly one " + text).hasSize(2);
    Path file = directory.resolve("adtrack.yaml");
    Files.writeString(file, original.replace(text, replacement), StandardCharsets.UTF_8);
    return Template.load(file);
  }

  private static PrometheusText served() {
    return PrometheusText.parse(scrape);
  }
}
