package io.adtrack.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stack's saved Logs Insights queries ask the tracker's log what it really writes: each logger a query filters on
 * is a class of the production jar, and each field it reads is on the JSON lines (LOG_FORMAT=json) those loggers
 * write. The jar runs with Redis and Kinesis away (so the Redis and Kinesis loggers speak), refuses a call of a
 * program (so the rejection digest has something to tell), and stops on SIGTERM (which tells it).
 */
class LogQueriesContractTest {

  /** Logs Insights' own words, which are no fields. */
  private static final Set<String> KEYWORDS = Set.of("fields", "filter", "stats", "sort", "limit", "by", "as", "and",
      "or", "not", "in", "like", "desc", "asc", "display", "parse", "dedup");
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern TOKEN = Pattern.compile("@?[A-Za-z_][A-Za-z0-9_.]*");
  private static final Pattern ONE_LOGGER = Pattern.compile("logger_name\\s*=\\s*\"([^\"]+)\"");
  private static final Pattern SOME_LOGGERS = Pattern.compile("logger_name\\s+in\\s*\\[([^]]*)]");

  private static Template template;
  private static List<JsonNode> lines;

  @BeforeAll
  static void runTheTracker() throws Exception {
    template = Template.load(Repository.TEMPLATE);
    Map<String, String> json = Map.of("LOG_FORMAT", MetricsContract.environment(template.container("tracker"))
        .get("LOG_FORMAT"));
    try (TrackerProcess tracker = TrackerProcess.startJar(json, Path.of("target", "log-queries-contract.log"))) {
      assertThat(tracker.get(tracker.httpPort(), "/event/summer-sale?slot=top&slot=side").statusCode())
          .as("a parameter given twice").isEqualTo(400);
      assertThat(tracker.get(tracker.httpPort(), "/event/summer-sale").statusCode()).as("Redis away").isEqualTo(503);
      assertThat(tracker.stop()).as("stopped on SIGTERM; %s", tracker.tail()).isIn(0, 143);
      lines = new ArrayList<>();
      for (String line : tracker.output().split("\n")) {
        if (line.startsWith("{")) {
          lines.add(MetricsContract.json(line));
        }
      }
    }
  }

  @Test
  void theTaskLogsJsonToTheGroupTheQueriesRead() {
    Map<String, Object> container = template.container("tracker");
    Object group = Template.map(Template.map(container.get("LogConfiguration")).get("Options")).get("awslogs-group");

    assertThat(lines).as("JSON lines").hasSizeGreaterThan(3);
    assertThat(queries()).hasSizeGreaterThanOrEqualTo(4).allSatisfy((name, query) ->
        assertThat(template.referencedResources(template.properties(name).get("LogGroupNames")))
            .as(name).isEqualTo(template.referencedResources(group)));
  }

  @Test
  void everyQueryReadsLoggersAndFieldsTheTrackerWrites() {
    Map<String, List<String>> problems = new TreeMap<>();
    queries().forEach((name, query) -> problems.put(name, problems(query, lines, LogQueriesContractTest::inJar)));

    assertThat(problems).allSatisfy((name, found) -> assertThat(found).as(name).isEmpty());
    assertThat(queries().values()).as("the questions the issue names")
        .anyMatch(query -> query.contains("KinesisVerticle")).anyMatch(query -> query.contains("RedisVerticle"))
        .anyMatch(query -> query.contains("programId")).anyMatch(query -> query.contains("by logger_name"));
  }

  @Test
  void theCheckCatchesARenamedFieldOrLogger() {
    String rejections = queries().values().stream().filter(query -> query.contains("RejectionDigest")).findFirst()
        .orElseThrow();

    assertThat(problems(rejections.replace("programId", "program_id"), lines, LogQueriesContractTest::inJar))
        .singleElement().asString().contains("program_id");
    assertThat(problems(rejections.replace("RejectionDigest", "RejectionLog"), lines, LogQueriesContractTest::inJar))
        .anySatisfy(problem -> assertThat(problem).contains("io.adtrack.tracker.event.RejectionLog is no class"));
  }

  /** What a query names that the tracker does not write: loggers that are no class, fields on none of their lines. */
  static List<String> problems(String query, List<JsonNode> lines, Predicate<String> classExists) {
    List<String> problems = new ArrayList<>();
    Set<String> loggers = loggers(query);
    for (String logger : loggers) {
      if (!classExists.test(logger)) {
        problems.add(logger + " is no class of the tracker");
      } else if (lines.stream().noneMatch(line -> logger.equals(line.path("logger_name").asText()))) {
        problems.add(logger + " wrote no line in this run");
      }
    }
    List<JsonNode> relevant = lines.stream()
        .filter(line -> loggers.isEmpty() || loggers.contains(line.path("logger_name").asText())).toList();
    for (String field : fields(query)) {
      if (relevant.stream().noneMatch(line -> line.has(field))) {
        problems.add("field " + field + " is on no line of " + (loggers.isEmpty() ? "the tracker" : loggers));
      }
    }
    return problems;
  }

  /** The loggers a query filters on ({@code logger_name = "x"}, {@code logger_name in ["x", "y"]}). */
  static Set<String> loggers(String query) {
    Set<String> loggers = new LinkedHashSet<>();
    Matcher one = ONE_LOGGER.matcher(query);
    while (one.find()) {
      loggers.add(one.group(1));
    }
    Matcher some = SOME_LOGGERS.matcher(query);
    while (some.find()) {
      Matcher name = STRING.matcher(some.group(1));
      while (name.find()) {
        loggers.add(name.group().substring(1, name.group().length() - 1));
      }
    }
    return loggers;
  }

  /**
   * The fields a query reads: every word outside string literals that is not Logs Insights' own (a keyword, a
   * function, an alias made with {@code as}, an {@code @} field).
   */
  static Set<String> fields(String query) {
    String code = STRING.matcher(query).replaceAll("\"\"");
    Set<String> aliases = new LinkedHashSet<>();
    Matcher alias = Pattern.compile("\\bas\\s+([A-Za-z_][A-Za-z0-9_]*)").matcher(code);
    while (alias.find()) {
      aliases.add(alias.group(1));
    }
    Set<String> fields = new LinkedHashSet<>();
    Matcher token = TOKEN.matcher(code);
    while (token.find()) {
      String word = token.group();
      boolean function = code.substring(token.end()).stripLeading().startsWith("(");
      boolean number = token.start() > 0 && Character.isDigit(code.charAt(token.start() - 1));
      if (!function && !number && !word.startsWith("@") && !KEYWORDS.contains(word) && !aliases.contains(word)) {
        fields.add(word);
      }
    }
    return fields;
  }

  /** The saved queries of the stack, by logical id. */
  private static Map<String, String> queries() {
    Map<String, String> queries = new TreeMap<>();
    template.propertiesOfType("AWS::Logs::QueryDefinition").forEach((id, definition) ->
        queries.put(id, String.valueOf(definition.get("QueryString"))));
    return queries;
  }

  private static boolean inJar(String className) {
    try (JarFile jar = new JarFile(Repository.TRACKER_JAR.toFile())) {
      return jar.getEntry(className.replace('.', '/') + ".class") != null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
