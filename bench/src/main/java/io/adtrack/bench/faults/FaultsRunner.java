package io.adtrack.bench.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.adtrack.bench.faults.ScenarioRun.Outcome;
import io.adtrack.bench.run.Machine;
import io.adtrack.conventions.RedisLayout;
import io.adtrack.local.LocalPipeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * bench/faults: the whole local pipeline (the launcher {@code ./run} uses, on free ports) under a constant load of
 * valid calls on every route, through each {@link Scenario} in turn; counts per scenario what was acknowledged,
 * what reached the stream and the table, and what is missing; writes the report and a timeline per scenario.
 * Exit code 0 when every scenario met its expectations, 1 otherwise, 2 for a usage error.
 */
public final class FaultsRunner {

  private static final Logger LOG = LoggerFactory.getLogger(FaultsRunner.class);
  private static final Duration PUBLISH_PATIENCE = Duration.ofSeconds(120);

  private FaultsRunner() {
  }

  public static void main(String[] argv) {
    if (List.of(argv).contains("--help")) {
      System.out.println(FaultOptions.USAGE);
      return;
    }
    Path root = Path.of(System.getProperty("adtrack.root", ".")).toAbsolutePath().normalize();
    FaultOptions options;
    try {
      options = FaultOptions.parse(root, List.of(argv), System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    LocalPipeline.useStandInDefaults();
    List<Outcome> outcomes = run(options);
    boolean passed = outcomes.size() == options.scenarios().size()
        && outcomes.stream().allMatch(outcome -> outcome.result().passed());
    System.exit(passed ? 0 : 1);
  }

  /** Runs the scenarios of {@code options} and writes the report; returns what each came to. */
  public static List<Outcome> run(FaultOptions options) {
    Path workDir = options.root().resolve("bench/target/faults-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    createDirectories(workDir);
    Machine machine = new Machine();
    double loadAtStart = machine.sampleLoad();
    long started = System.nanoTime();
    List<Outcome> outcomes = new ArrayList<>();
    String runId = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
    try (FaultPipeline faults = FaultPipeline.start(options.trackerEnvironment(), workDir);
        CallLoad load = new CallLoad(faults.pipeline().config().httpPort(), options.rate())) {
      List<ScenarioPrograms> programs = new ArrayList<>();
      for (int i = 0; i < options.scenarios().size(); i++) {
        programs.add(ScenarioPrograms.create("f" + runId + "-s" + (i + 1), i, options.coldProgramsPerScenario()));
      }
      Path programsFile = writePrograms(workDir, programs);
      faults.onRepublish(() -> faults.pipeline().publish(programsFile));
      publishAndAwait(faults, programsFile, programs);
      DeliveryMode mode = DeliveryMode.of(options, faults.pipeline().managementUri());
      LOG.info("Tracker delivery mode: {}", mode);
      StreamTail stream = new StreamTail(faults.pipeline().kinesis(), faults.pipeline().config().eventStream());
      EventTableReader table = new EventTableReader(faults.pipeline().dynamoDb(),
          faults.pipeline().config().eventTable());
      ScenarioRun runner = new ScenarioRun(options, faults, load, stream, table, mode.isMemory());
      Optional<String> aborted = Optional.empty();
      for (int i = 0; i < options.scenarios().size() && aborted.isEmpty(); i++) {
        Scenario scenario = options.scenarios().get(i);
        try {
          outcomes.add(runner.run(scenario, programs.get(i), "s" + (i + 1)));
        } catch (RuntimeException e) {
          // The pipeline is in no known state any more: report what ran, and why the rest did not.
          LOG.error("Scenario {} could not run to its end; stopping here", scenario.key(), e);
          aborted = Optional.of(scenario.key() + " could not run to its end: " + e);
        }
        machine.sampleLoad();
      }
      FaultsReport.write(options, outcomes, aborted, mode, machine, loadAtStart,
          Duration.ofNanos(System.nanoTime() - started), workDir);
    }
    return outcomes;
  }

  private static Path writePrograms(Path workDir, List<ScenarioPrograms> programs) {
    List<Map<String, Object>> documents = new ArrayList<>();
    programs.forEach(scenario -> documents.addAll(scenario.documents()));
    Path file = workDir.resolve("programs.json");
    try {
      new ObjectMapper().writeValue(file.toFile(), documents);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }

  /** Publishes every scenario's programs with the publisher CLI's code and waits until Redis holds them all. */
  private static void publishAndAwait(FaultPipeline faults, Path programsFile, List<ScenarioPrograms> programs) {
    faults.pipeline().publish(programsFile);
    List<String> last = programs.stream().map(p -> p.cold().isEmpty() ? p.hot() : p.cold().get(p.cold().size() - 1))
        .toList();
    long deadline = System.nanoTime() + PUBLISH_PATIENCE.toNanos();
    int port = faults.pipeline().config().redisPort();
    try (Jedis jedis = new Jedis("localhost", port)) {
      while (!last.stream().allMatch(id -> jedis.exists(RedisLayout.programKey(id)))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the programs did not reach Redis within " + PUBLISH_PATIENCE);
        }
        ScenarioRun.pause(Duration.ofMillis(200));
      }
    }
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
