package io.adtrack.bench.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two Lambdas, measured by the benchmark mains their owners wrote in their test sources (each compares its
 * logic with a plain loop in the same run and times a cold init): run through Maven on the module's test
 * classpath, output quoted in the report, the headline ratios parsed from it.
 */
record ConsumerBench(BenchOptions options, Report report, Path workDir) {

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerBench.class);
  /** "median   EventWriter(c=8) 4,321/s | plain loop 3,210/s | ..." */
  private static final Pattern CONSUMER_MEDIAN = Pattern.compile(
      "median\\s+EventWriter\\(c=(\\d+)\\)\\s+([\\d,.]+)/s\\s*\\|\\s*plain loop\\s+([\\d,.]+)/s");
  /** "round 2: logic 3,456 updates/s, plain HSET+PUBLISH 5,678 updates/s" */
  private static final Pattern UPDATER_ROUND = Pattern.compile(
      "round \\d+: logic ([\\d,.]+) updates/s, plain HSET\\+PUBLISH ([\\d,.]+) updates/s");


  void run() {
    report.section("Consumers (their own benchmark mains, run by the runner)");
    List<String> consumerArgs = new ArrayList<>(List.of("-pl", "kinesis-consumer", "test-compile", "exec:java",
        "-Dexec.classpathScope=test", "-Dexec.mainClass=io.adtrack.consumer.bench.ConsumerBenchmark"));
    if (options.quick()) {
      consumerArgs.add("-Dexec.args=2000 2 2");
    }
    String consumer = maven("kinesis-consumer", consumerArgs);
    Matcher median = CONSUMER_MEDIAN.matcher(consumer);
    if (median.find()) {
      double writer = number(median.group(2));
      double plain = number(median.group(3));
      double ratio = writer / plain;
      report.target("kinesis-consumer vs plain BatchWriteItem loop", ">= 80%", Report.pct(ratio) + " ("
          + Report.f0(writer) + " vs " + Report.f0(plain) + " items/s into DynamoDB Local)", ratio >= 0.80);
    } else {
      report.target("kinesis-consumer vs plain BatchWriteItem loop", ">= 80%", "not parsed (output below)", null);
    }
    report.subsection("kinesis-consumer: `ConsumerBenchmark`").code(consumer);

    String updater = maven("redis-updater", List.of("-pl", "redis-updater", "test-compile", "exec:java@bench"));
    List<Double> ratios = new ArrayList<>();
    Matcher round = UPDATER_ROUND.matcher(updater);
    while (round.find()) {
      ratios.add(number(round.group(1)) / number(round.group(2)));
    }
    report.subsection("redis-updater: `UpdaterBenchmark`")
        .paragraph(ratios.isEmpty() ? "Ratio not parsed; output:" : String.format(Locale.ROOT,
            "Updater logic (validate + one EVALSHA storing and publishing atomically) vs a plain Jedis HSET + "
                + "PUBLISH loop: median ratio %s over %d rounds.", Report.pct(median(ratios)), ratios.size()))
        .code(updater);
  }

  /** {@code mvn -B -q <args>} at the repository root; stdout+stderr, or the failure, as text. */
  private String maven(String name, List<String> args) {
    List<String> command = new ArrayList<>(List.of("mvn", "-B", "-q"));
    command.addAll(args);
    Path log = workDir.resolve(name + "-benchmark.log");
    LOG.info("== consumers: {}", String.join(" ", command));
    try {
      Process process = new ProcessBuilder(command).directory(options.root().toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      boolean done = process.waitFor(15, TimeUnit.MINUTES);
      if (!done) {
        process.destroyForcibly();
      }
      String out = Files.readString(log, StandardCharsets.UTF_8);
      // Maven's own [INFO] lines (few under -q) are left out of the report.
      String kept = out.replaceAll("\u001B\\[[0-9;]*m", "").lines().filter(line -> !line.startsWith("[INFO]"))
          .reduce("", (a, b) -> a + b + "\n");
      return (done ? "" : "(timed out after 15 minutes)\n") + "$ " + String.join(" ", command) + "\n" + kept;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static double number(String text) {
    return Double.parseDouble(text.replace(",", ""));
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int mid = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
  }
}
