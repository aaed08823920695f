package io.adtrack.cloudformation;

import static io.adtrack.cloudformation.Template.list;
import static io.adtrack.cloudformation.Template.map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * What the stack reads of the tracker's /metrics, against what the tracker serves: the CloudWatch agent's scrape
 * (the sidecar's PROMETHEUS_CONFIG_CONTENT) and export (its CW_CONFIG_CONTENT: which metrics become CloudWatch
 * metrics, with which dimensions), the dashboard and the alarms. A renamed metric or label must fail the build rather
 * than blank a dashboard or silence an alarm. Each check lists what breaks it (empty: kept), so
 * {@code MetricsContractTest} runs it on the template and on copies broken on purpose.
 *
 * <p>To export one more metric: its {@code ^name$} line in a metric declaration's selectors, and a line for it on the
 * dashboard (a metric nobody looks at is a cost for nothing); a new dimension also needs its reason in
 * {@link #BOUNDED_DIMENSIONS}.
 */
final class MetricsContract {

  /** The CloudWatch namespace of the tracker's own metrics. */
  static final String NAMESPACE = "adtrack/tracker";
  static final String AGENT_CONTAINER = "cloudwatch-agent";
  /** How the dashboard and the alarms write the Stack dimension's one value. */
  static final String STACK_VALUE = "${AWS::StackName}";

  /**
   * The dimensions a tracker metric may have in CloudWatch, each with why it has few values: every value is a metric
   * to pay for. Never a task, a program or a client.
   */
  static final Map<String, String> BOUNDED_DIMENSIONS = Map.of(
      "Stack", "one value per stack: a static label of the agent's scrape; all tasks of the stack together",
      "outcome", "io.adtrack.tracker.metrics.Outcome: 10 values, the declaration picks some",
      "route", "io.adtrack.tracker.metrics.Route: 4 values");

  private static final Pattern SELECTOR = Pattern.compile("\\^([a-zA-Z_:][a-zA-Z0-9_:]*)\\$");
  private static final Pattern MATCHER = Pattern.compile("\\^\\(?([a-zA-Z0-9_.|]+)\\)?\\$");
  private static final ObjectMapper JSON = new ObjectMapper();

  private MetricsContract() {
  }

  /** One metric_declaration: the metrics it turns into CloudWatch metrics, and with which dimensions. */
  record Declaration(List<String> sourceLabels, String labelMatcher, List<List<String>> dimensions,
      List<String> selectors) {

    /** The metric names of the selectors that are one name each ({@code ^name$}). */
    Set<String> metrics() {
      Set<String> names = new LinkedHashSet<>();
      for (String selector : selectors) {
        Matcher name = SELECTOR.matcher(selector);
        if (name.matches()) {
          names.add(name.group(1));
        }
      }
      return names;
    }

    /** The values the label matcher lets through ({@code ^a$}, {@code ^(a|b)$}); empty when there is no matcher. */
    Set<String> matcherValues() {
      Set<String> values = new TreeSet<>();
      if (labelMatcher != null) {
        Matcher alternatives = MATCHER.matcher(labelMatcher);
        if (alternatives.matches()) {
          values.addAll(List.of(alternatives.group(1).split("\\|")));
        }
      }
      return values;
    }
  }

  /** The agent's scrape job: where it reads /metrics and the labels it adds to every series. */
  record Scrape(String job, String metricsPath, List<String> targets, Map<String, String> labels, String keep) {

    /** Labels the scrape itself gives every series (job, instance and the static ones), with their values. */
    Map<String, String> addedLabels() {
      Map<String, String> added = new TreeMap<>(labels);
      added.put("job", job);
      added.put("instance", String.join(",", targets));
      return added;
    }
  }

  /** The agent's configuration, as the template gives it. */
  record Export(String namespace, String logGroupName, Scrape scrape, List<Declaration> declarations) {

    static Export of(Template template) {
      Map<String, String> environment = environment(template.container(AGENT_CONTAINER));
      for (String variable : List.of("CW_CONFIG_CONTENT", "PROMETHEUS_CONFIG_CONTENT")) {
        if (!environment.containsKey(variable)) {
          throw new AssertionError("the " + AGENT_CONTAINER + " container has no " + variable);
        }
      }
      JsonNode prometheus = json(environment.get("CW_CONFIG_CONTENT")).path("logs").path("metrics_collected")
          .path("prometheus");
      JsonNode emf = prometheus.path("emf_processor");
      return new Export(emf.path("metric_namespace").asText(null), prometheus.path("log_group_name").asText(null),
          parseScrape(environment.get("PROMETHEUS_CONFIG_CONTENT")), parseDeclarations(emf.path("metric_declaration")));
    }

    /** The metric names the declarations select. */
    Set<String> metrics() {
      Set<String> names = new LinkedHashSet<>();
      declarations.forEach(declaration -> names.addAll(declaration.metrics()));
      return names;
    }

    List<Declaration> declarationsOf(String metric) {
      return declarations.stream().filter(declaration -> declaration.metrics().contains(metric)).toList();
    }
  }

  /** One metric the dashboard or an alarm reads: where, its name and its dimensions (name to value). */
  record Read(String where, String metric, Map<String, String> dimensions) {
  }

  // ------------------------------------------------------------------------------------------- checks

  /**
   * What the export names that the tracker does not serve: selectors that are not one metric name or name none it
   * serves, labels of the matchers and dimensions its series do not carry, matcher values no series has.
   */
  static List<String> exportNotServed(Export export, PrometheusText served) {
    List<String> problems = new ArrayList<>();
    if (!NAMESPACE.equals(export.namespace())) {
      problems.add("metric_namespace is " + export.namespace() + ", the dashboard and alarms read " + NAMESPACE);
    }
    if (export.declarations().isEmpty()) {
      problems.add("the agent declares no metric at all");
    }
    Map<String, String> added = export.scrape().addedLabels();
    for (Declaration declaration : export.declarations()) {
      for (String selector : declaration.selectors()) {
        if (!SELECTOR.matcher(selector).matches()) {
          problems.add("selector " + selector + " is not one metric name (^name$): the check could not follow it");
        }
      }
      for (String metric : declaration.metrics()) {
        if (!served.serves(metric)) {
          problems.add(metric + ": exported, but the tracker serves no such metric");
          continue;
        }
        if (!matches(export.scrape().keep(), metric)) {
          problems.add(metric + ": exported, but the scrape's metric_relabel_configs drop it");
        }
        Set<String> labels = new TreeSet<>(served.labels(metric));
        labels.addAll(added.keySet());
        for (String label : declaration.sourceLabels()) {
          if (!labels.contains(label)) {
            problems.add(metric + ": the matcher reads label " + label + ", which its series do not carry " + labels);
          }
        }
        for (List<String> dimensions : declaration.dimensions()) {
          for (String dimension : dimensions) {
            if (!labels.contains(dimension)) {
              problems.add(metric + ": dimension " + dimension + " is no label of its series " + labels);
            }
          }
        }
        if (declaration.sourceLabels().size() == 1) {
          String label = declaration.sourceLabels().get(0);
          Set<String> values = added.containsKey(label) ? Set.of(added.get(label)) : served.values(metric, label);
          for (String value : declaration.matcherValues()) {
            if (!values.contains(value)) {
              problems.add(metric + ": the matcher lets " + label + "=" + value + " through, a value its series "
                  + "never have " + values);
            }
          }
        }
      }
    }
    return problems;
  }

  /** The scrape must read the tracker's management port, and the agent write to a log group of the stack. */
  static List<String> scrapeNotWired(Template template, Export export) {
    List<String> problems = new ArrayList<>();
    String managementPort = environment(template.container("tracker")).get("MANAGEMENT_PORT");
    if (!List.of("localhost:" + managementPort).equals(export.scrape().targets())) {
      problems.add("the scrape reads " + export.scrape().targets() + ", the tracker's MANAGEMENT_PORT is "
          + managementPort + " (the task's own loopback: localhost:" + managementPort + ")");
    }
    if (!"/metrics".equals(export.scrape().metricsPath())) {
      problems.add("the scrape reads " + export.scrape().metricsPath() + ", the tracker serves /metrics");
    }
    if (!export.scrape().labels().containsKey("Stack")
        || !STACK_VALUE.equals(export.scrape().labels().get("Stack"))) {
      problems.add("the scrape must label every series Stack=" + STACK_VALUE + ", the dimension everything reads");
    }
    Matcher group = Pattern.compile("\\$\\{([A-Za-z0-9]+)}").matcher(String.valueOf(export.logGroupName()));
    if (!group.matches() || !template.idsOfType("AWS::Logs::LogGroup").contains(group.group(1))) {
      problems.add("log_group_name " + export.logGroupName() + " is no log group of the stack: the agent would "
          + "create one that keeps its logs forever");
    }
    return problems;
  }

  /**
   * What the dashboard and the alarms read in the tracker's namespace that the agent does not export so: a metric it
   * does not select, dimensions that are none of its dimension sets, values its series never have.
   */
  static List<String> readNotExported(Template template, Export export, PrometheusText served) {
    List<String> problems = new ArrayList<>();
    List<Read> reads = reads(template);
    if (reads.isEmpty()) {
      problems.add("neither the dashboard nor an alarm reads a tracker metric");
    }
    for (Read read : reads) {
      List<Declaration> declarations = export.declarationsOf(read.metric());
      if (declarations.isEmpty()) {
        problems.add(read.where() + ": reads " + read.metric() + ", which the agent does not export");
        continue;
      }
      Set<String> dimensions = read.dimensions().keySet();
      Declaration declaration = declarations.stream()
          .filter(each -> each.dimensions().stream().anyMatch(set -> Set.copyOf(set).equals(dimensions)))
          .findFirst().orElse(null);
      if (declaration == null) {
        problems.add(read.where() + ": reads " + read.metric() + " by " + dimensions + ", but it is exported by "
            + declarations.stream().map(Declaration::dimensions).toList());
        continue;
      }
      read.dimensions().forEach((dimension, value) -> {
        if ("Stack".equals(dimension)) {
          if (!STACK_VALUE.equals(value)) {
            problems.add(read.where() + ": " + read.metric() + " with Stack=" + value + ", not " + STACK_VALUE);
          }
        } else if (!served.values(read.metric(), dimension).contains(value)
            || declaration.sourceLabels().equals(List.of(dimension)) && !declaration.matcherValues().contains(value)) {
          problems.add(read.where() + ": " + read.metric() + " with " + dimension + "=" + value + ", which the "
              + "agent does not export (served: " + served.values(read.metric(), dimension) + ", let through: "
              + declaration.matcherValues() + ")");
        }
      });
    }
    return problems;
  }

  /** Exported metrics (and matcher values) the dashboard does not show: custom metrics paid for and never seen. */
  static List<String> exportedNotShown(Template template, Export export) {
    List<Read> shown = reads(template).stream().filter(read -> read.where().startsWith("Dashboard")).toList();
    List<String> problems = new ArrayList<>();
    for (Declaration declaration : export.declarations()) {
      for (String metric : declaration.metrics()) {
        if (shown.stream().noneMatch(read -> read.metric().equals(metric))) {
          problems.add(metric + ": exported, but not on the dashboard");
        }
        if (declaration.sourceLabels().size() == 1 && !export.scrape().addedLabels()
            .containsKey(declaration.sourceLabels().get(0))) {
          String label = declaration.sourceLabels().get(0);
          for (String value : declaration.matcherValues()) {
            if (shown.stream().noneMatch(read -> read.metric().equals(metric)
                && value.equals(read.dimensions().get(label)))) {
              problems.add(metric + " " + label + "=" + value + ": exported, but not on the dashboard");
            }
          }
        }
      }
    }
    return problems;
  }

  /** Dimensions that are not known to have few values ({@link #BOUNDED_DIMENSIONS}). */
  static List<String> unboundedDimensions(Export export) {
    List<String> problems = new ArrayList<>();
    export.declarations().forEach(declaration -> declaration.dimensions().forEach(set -> set.forEach(dimension -> {
      if (!BOUNDED_DIMENSIONS.containsKey(dimension)) {
        problems.add(declaration.metrics() + ": dimension " + dimension + " is not known to be bounded "
            + "(MetricsContract.BOUNDED_DIMENSIONS, with the reason)");
      }
    })));
    return problems;
  }

  /**
   * How many CloudWatch metrics the export makes per stack: per selected metric and dimension set, one per
   * combination of the values its dimensions take (a matcher's label only the values it lets through).
   */
  static int customMetrics(Export export, PrometheusText served) {
    int count = 0;
    Map<String, String> added = export.scrape().addedLabels();
    for (Declaration declaration : export.declarations()) {
      for (String metric : declaration.metrics()) {
        for (List<String> dimensions : declaration.dimensions()) {
          int combinations = 1;
          for (String dimension : dimensions) {
            Set<String> values = added.containsKey(dimension) ? Set.of(added.get(dimension))
                : new TreeSet<>(served.values(metric, dimension));
            if (declaration.sourceLabels().equals(List.of(dimension))) {
              values.retainAll(declaration.matcherValues());
            }
            combinations *= values.size();
          }
          count += combinations;
        }
      }
    }
    return count;
  }

  // ------------------------------------------------------------------------------------------- reading the template

  /** Every metric of the tracker's namespace that the dashboard and the alarms read. */
  static List<Read> reads(Template template) {
    List<Read> reads = new ArrayList<>();
    template.propertiesOfType("AWS::CloudWatch::Alarm").forEach((id, alarm) -> {
      if (NAMESPACE.equals(alarm.get("Namespace"))) {
        reads.add(new Read(id, String.valueOf(alarm.get("MetricName")), dimensions(alarm.get("Dimensions"))));
      }
      for (Object query : list(alarm.getOrDefault("Metrics", List.of()))) {
        Object stat = map(query).get("MetricStat");
        Map<String, Object> metric = stat == null ? Map.of() : map(map(stat).get("Metric"));
        if (NAMESPACE.equals(metric.get("Namespace"))) {
          reads.add(new Read(id + " " + map(query).get("Id"), String.valueOf(metric.get("MetricName")),
              dimensions(metric.get("Dimensions"))));
        }
      }
    });
    List<Object> sub = list(map(template.single("AWS::CloudWatch::Dashboard").get("DashboardBody")).get("Fn::Sub"));
    JsonNode widgets = json(String.valueOf(sub.get(0))).path("widgets");
    for (int w = 0; w < widgets.size(); w++) {
      JsonNode rows = widgets.get(w).path("properties").path("metrics");
      String namespace = null;
      for (int r = 0; r < rows.size(); r++) {
        JsonNode row = rows.get(r);
        String where = "Dashboard widget \"" + widgets.get(w).path("properties").path("title").asText() + "\" row "
            + r;
        if (!row.get(0).isTextual()) {
          continue; // an expression
        }
        String first = row.get(0).asText();
        boolean shorthand = first.equals(".") || first.equals("...");
        if (!shorthand) {
          namespace = first;
        }
        if (NAMESPACE.equals(namespace)) {
          reads.add(shorthand ? new Read(where + " (write tracker rows in full, no . or ...)", "", Map.of())
              : new Read(where, row.get(1).asText(), rowDimensions(row)));
        }
      }
    }
    return reads;
  }

  private static Map<String, String> rowDimensions(JsonNode row) {
    Map<String, String> dimensions = new TreeMap<>();
    for (int i = 2; i + 1 < row.size() && row.get(i).isTextual(); i += 2) {
      dimensions.put(row.get(i).asText(), row.get(i + 1).asText());
    }
    return dimensions;
  }

  private static Map<String, String> dimensions(Object entries) {
    Map<String, String> dimensions = new TreeMap<>();
    if (entries != null) {
      list(entries).stream().map(Template::map).forEach(entry -> {
        Object value = entry.get("Value");
        dimensions.put(String.valueOf(entry.get("Name")), value instanceof Map<?, ?> ref && ref.containsKey("Ref")
            ? "${" + ref.get("Ref") + "}" : String.valueOf(value));
      });
    }
    return dimensions;
  }

  /** A container's environment, each value a literal or the text of its Fn::Sub. */
  static Map<String, String> environment(Map<String, Object> container) {
    Map<String, String> environment = new TreeMap<>();
    list(container.getOrDefault("Environment", List.of())).stream().map(Template::map).forEach(variable ->
        environment.put(String.valueOf(variable.get("Name")), Template.subText(variable.get("Value"))));
    return environment;
  }

  @SuppressWarnings("unchecked")
  private static Scrape parseScrape(String prometheusConfig) {
    Map<String, Object> config = new Yaml().load(prometheusConfig);
    List<Object> jobs = list(config.get("scrape_configs"));
    if (jobs.size() != 1) {
      throw new AssertionError("expected one scrape job (the tracker), found " + jobs.size());
    }
    Map<String, Object> job = map(jobs.get(0));
    Map<String, Object> targets = map(list(job.get("static_configs")).get(0));
    String keep = list(job.getOrDefault("metric_relabel_configs", List.of())).stream().map(Template::map)
        .filter(rule -> "keep".equals(rule.get("action")) && List.of("__name__").equals(rule.get("source_labels")))
        .map(rule -> String.valueOf(rule.get("regex"))).findFirst().orElse(".*");
    Map<String, String> labels = new TreeMap<>();
    ((Map<String, Object>) targets.getOrDefault("labels", Map.of()))
        .forEach((name, value) -> labels.put(name, String.valueOf(value)));
    return new Scrape(String.valueOf(job.get("job_name")), String.valueOf(job.getOrDefault("metrics_path", "/metrics")),
        list(targets.get("targets")).stream().map(String::valueOf).toList(), labels, keep);
  }

  private static List<Declaration> parseDeclarations(JsonNode array) {
    List<Declaration> declarations = new ArrayList<>();
    for (JsonNode node : array) {
      List<List<String>> dimensions = new ArrayList<>();
      node.path("dimensions").forEach(set -> dimensions.add(strings(set)));
      declarations.add(new Declaration(strings(node.path("source_labels")), node.path("label_matcher").asText(null),
          dimensions, strings(node.path("metric_selectors"))));
    }
    return declarations;
  }

  private static List<String> strings(JsonNode array) {
    List<String> strings = new ArrayList<>();
    array.forEach(item -> strings.add(item.asText()));
    return strings;
  }

  /** Prometheus anchors a relabel regex at both ends. */
  private static boolean matches(String regex, String name) {
    return Pattern.compile("^(?:" + regex + ")$").matcher(name).matches();
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + text, e);
    }
  }
}
