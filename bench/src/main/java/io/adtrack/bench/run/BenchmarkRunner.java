package io.adtrack.bench.run;

import io.adtrack.bench.load.LoadGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one benchmark command (started by {@code bench/run}): the tracker against the bench sink and the baseline,
 * then the whole local pipeline against kinesalite and DynamoDB Local, then the consumers' own benchmarks; writes
 * {@code bench/results/<date>.md} and a latency plot next to it.
 */
public final class BenchmarkRunner {

  private static final Logger LOG = LoggerFactory.getLogger(BenchmarkRunner.class);

  private BenchmarkRunner() {
  }

  public static void main(String[] argv) {
    if (List.of(argv).contains("--help")) {
      System.out.println(BenchOptions.USAGE);
      return;
    }
    BenchOptions options = BenchOptions.parse(argv);
    Path workDir = options.root().resolve("bench/target/run-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long started = System.nanoTime();
    Machine machine = new Machine();
    double loadAtStart = machine.sampleLoad();
    JvmFlags flags = JvmFlags.read(options.root());
    Report report = new Report()
        .title("Benchmark " + options.output().getFileName().toString().replace(".md", "")
            + (options.quick() ? " (quick smoke run: indicative only)" : ""));

    try (LoadGenerator generator = new LoadGenerator(options.generatorThreads())) {
      TrackerBench trackerBench = new TrackerBench(options, report, machine, generator, flags, workDir);
      trackerBench.run();
      if (options.runs("pipeline") || options.runs("e2e")) {
        new PipelineBench(options, report, machine, generator, workDir, trackerBench.trackerEventMax()).run();
      }
    }
    if (options.runs("ua")) {
      try {
        new UserAgentBench(options, report, workDir).run();
      } catch (RuntimeException e) {
        LOG.error("phase ua failed", e);
        report.paragraph("**Phase `ua` failed:** `" + e + "` (see the runner's log).");
      }
    }
    if (options.runs("consumers")) {
      new ConsumerBench(options, report, workDir).run();
    } else {
      report.target("kinesis-consumer vs plain BatchWriteItem loop", ">= 80%", "skipped (--skip consumers)", null);
    }

    Duration took = Duration.ofNanos(System.nanoTime() - started);
    report.intro(machineDescription(options, machine, flags, loadAtStart, took, workDir));
    report.write(options.output());
    LOG.info("report written to {} ({} s)", options.output(), took.toSeconds());
    for (Report.Target target : report.targets()) {
      LOG.info("target {}: {} -> {}", target.name(), target.measured(), target.verdict().replace("*", ""));
    }
  }

  private static String environment(JvmFlags flags) {
    return flags.environment().isEmpty() ? "" : " with `" + flags.environment().entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")) + "`";
  }

  private static String machineDescription(BenchOptions options, Machine machine, JvmFlags flags,
      double loadAtStart, Duration took, Path workDir) {
    return String.join("\n",
        "Command: `bench/run" + (options.quick() ? " --quick" : "") + "` — " + took.toMinutes() + " min "
            + took.toSecondsPart() + " s. Logs and the JFR recording: `"
            + options.root().relativize(workDir) + "/` (not committed).",
        "",
        "| machine | |",
        "|---|---|",
        "| CPU | " + Machine.cpuModel() + ", " + Machine.cores() + " cores (nproc) |",
        "| memory | " + Machine.memory() + " |",
        "| JDK | " + Machine.jdk() + " |",
        "| OS | " + Machine.os() + " |",
        "| load | " + String.format("%.2f at start; during the run: ", loadAtStart) + machine.loadSummary() + " |",
        "| tracker JVM flags | `" + String.join(" ", flags.flags()) + "`" + environment(flags) + " ("
            + flags.source() + ") |",
        "",
        "The machine is shared (other builds ran meanwhile) and the load generator, the tracker, the baseline, "
            + "Redis and the sink share its " + Machine.cores() + " cores: absolute figures are noisy and low; "
            + "read the tracker/baseline ratios of rounds run back to back.");
  }
}
