package io.adtrack.cloudformation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The samples of a Prometheus text exposition (format 0.0.4), as a scraper sees them: by sample name
 * ({@code tracker_requests_total}, {@code tracker_redis_latency_seconds_count}), each with its labels. Comments and
 * values are left out: the contract is about names and labels.
 */
record PrometheusText(Map<String, List<Map<String, String>>> samples) {

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+\\S+.*$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  static PrometheusText parse(String text) {
    Map<String, List<Map<String, String>>> samples = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      Matcher sample = SAMPLE.matcher(line);
      if (line.startsWith("#") || !sample.matches()) {
        continue;
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (sample.group(2) != null) {
        Matcher label = LABEL.matcher(sample.group(2));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
      }
      samples.computeIfAbsent(sample.group(1), name -> new ArrayList<>()).add(labels);
    }
    return new PrometheusText(samples);
  }

  boolean serves(String name) {
    return samples.containsKey(name);
  }

  /** The label names some sample of {@code name} carries. */
  Set<String> labels(String name) {
    Set<String> labels = new TreeSet<>();
    samples.getOrDefault(name, List.of()).forEach(sample -> labels.addAll(sample.keySet()));
    return labels;
  }

  /** The values label {@code label} takes on the samples of {@code name}. */
  Set<String> values(String name, String label) {
    Set<String> values = new TreeSet<>();
    samples.getOrDefault(name, List.of()).forEach(sample -> {
      if (sample.containsKey(label)) {
        values.add(sample.get(label));
      }
    });
    return values;
  }
}
