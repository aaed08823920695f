package io.adtrack.bench.run;

import io.adtrack.bench.micro.UserAgentMatching;
import io.adtrack.testkit.ChildProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Phase {@code ua}: what bot classification costs per call, measured with JMH ({@link UserAgentMatching}) in a JVM of
 * its own, against a regex and a {@code contains} per pattern as baselines measured in the same run.
 */
final class UserAgentBench {

  private static final Logger LOG = LoggerFactory.getLogger(UserAgentBench.class);
  /**
   * The automaton against a contains per pattern, the cheaper of the two loops it replaces, on the same browser's
   * user agent. Only people's user agents count: on a bot's, the loop stops at the first pattern that matches, so its
   * time says where that pattern stands in the list rather than what matching costs.
   */
  private static final double TARGET_RATIO = 0.5;

  private final BenchOptions options;
  private final Report report;
  private final Path workDir;

  UserAgentBench(BenchOptions options, Report report, Path workDir) {
    this.options = options;
    this.report = report;
    this.workDir = workDir;
  }

  void run() {
    Path results = workDir.resolve("ua-matching.json");
    Path trackerJar = Artifacts.snapshot(options.root().resolve("tracker-service/target/tracker-service.jar"),
        workDir);
    // The tracker's fat jar last: its copies of shared libraries stay behind the bench's own, identical ones.
    String classpath = System.getProperty("java.class.path") + File.pathSeparator + trackerJar;
    List<String> jmh = List.of("-cp", classpath, "org.openjdk.jmh.Main", UserAgentMatching.class.getName(),
        "-f", "1", "-wi", options.quick() ? "2" : "3", "-w", options.quick() ? "500ms" : "1s",
        "-i", options.quick() ? "3" : "5", "-r", options.quick() ? "500ms" : "1s",
        "-rf", "json", "-rff", results.toString());
    ChildProcess child = ChildProcess.of("jmh-ua", ChildProcess.java(List.of("-Xmx256m"), jmh))
        .logTo(workDir.resolve("ua-matching.log")).killOnJvmExit().start();
    int exit = child.awaitExit(Duration.ofMinutes(10), Duration.ofSeconds(5));
    if (exit != 0 || !Files.exists(results)) {
      throw new IllegalStateException("JMH exited " + exit + "; log: " + child.log());
    }
    Map<String, Map<String, double[]>> byUserAgent = read(results);
    List<List<String>> rows = new ArrayList<>();
    double worst = 0;
    double worstRatio = 0;
    for (Map.Entry<String, Map<String, double[]>> entry : byUserAgent.entrySet()) {
      Map<String, double[]> methods = entry.getValue();
      double[] automaton = methods.get("automaton");
      double ratio = automaton[0] / methods.get("containsPerPattern")[0];
      worst = Math.max(worst, automaton[0]);
      if (UserAgentMatching.BROWSERS.contains(entry.getKey())) {
        worstRatio = Math.max(worstRatio, ratio);
      }
      rows.add(List.of("`" + entry.getKey() + "` (" + UserAgentMatching.USER_AGENTS.get(entry.getKey()).length()
              + " chars)", ns(automaton), ns(methods.get("regexPerPattern")), ns(methods.get("containsPerPattern")),
          Report.pct(ratio), Report.f1(methods.get("regexPerPattern")[0] / automaton[0]) + "x"));
    }
    LOG.info("UA matching: worst {} ns per call", Report.f1(worst));
    report.target("Bot user-agent matching per call",
        "<= 0.5x a contains per pattern on a browser's user agent (same run)",
        Report.pct(worstRatio) + " of it at worst; slowest user agent " + Report.f0(worst) + " ns",
        worstRatio <= TARGET_RATIO);
    report.section("Bot user-agent matching (JMH)")
        .paragraph("`BotUserAgents.isBot` (an Aho-Corasick automaton compiled once from the patterns of the list "
            + "in the jar: one table read per character of the user agent) against what it "
            + "replaces: a precompiled case-insensitive regex per pattern, and `contains` per pattern over the "
            + "lower-cased user agent. JMH, one fork, average time per call, ± the 99.9 % confidence interval. "
            + "Results: `" + options.root().relativize(results) + "`.")
        .paragraph("The target counts the browsers' user agents only: on a bot's, both loops stop at the first "
            + "pattern that matches, so their time there depends on where that pattern stands in the list.")
        .table(List.of("user agent", "automaton ns", "regex per pattern ns", "contains per pattern ns",
            "automaton / contains", "regex / automaton"), rows);
  }

  private static String ns(double[] scoreAndError) {
    return Report.f1(scoreAndError[0]) + " ± " + Report.f1(scoreAndError[1]);
  }

  /** JMH's JSON: per user agent, per method, the score and its error. */
  private static Map<String, Map<String, double[]>> read(Path results) {
    JsonArray runs;
    try {
      runs = new JsonArray(Files.readString(results));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, Map<String, double[]>> byUserAgent = new LinkedHashMap<>();
    for (int i = 0; i < runs.size(); i++) {
      JsonObject run = runs.getJsonObject(i);
      String benchmark = run.getString("benchmark");
      String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
      String userAgent = run.getJsonObject("params").getString("userAgent");
      JsonObject metric = run.getJsonObject("primaryMetric");
      byUserAgent.computeIfAbsent(userAgent, key -> new LinkedHashMap<>())
          .put(method, new double[] {metric.getDouble("score"), metric.getDouble("scoreError")});
    }
    return byUserAgent;
  }
}
