package io.adtrack.bench.run;

import io.adtrack.bench.load.LoadGenerator;
import io.adtrack.bench.load.LoadResult;
import io.adtrack.bench.load.RequestMix;
import io.adtrack.testkit.ChildProcess;
import io.adtrack.testkit.FreePorts;
import io.adtrack.testkit.StandInClients;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The whole system: the local pipeline ({@code local-pipeline.jar}: Redis, kinesalite, DynamoDB Local, the
 * tracker's jar, both handlers fed by the local event-source poller) on free ports. First the end-to-end latency
 * at a gentle rate, then the tracker rounds of the sink phase against the real emulator, which cannot keep up: the
 * tracker must push back with 503s rather than lose or pile up events. Acknowledged calls are then compared with
 * the records on the stream.
 */
final class PipelineBench {

  private static final Logger LOG = LoggerFactory.getLogger(PipelineBench.class);
  /** Small enough that the emulator's ~10k records/s fill it within a round, so backpressure shows. */
  private static final int BUFFER_RECORDS = 20_000;
  private static final String STREAM = "tracking-events";
  private static final String TABLE = "tracking-events";
  private static final double E2E_RATE = 100;
  private static final String CORE_DATA_STREAM = "core-data-updates";
  /** Programs published one after the other to time core data's way from the stream to the tracker. */
  private static final int PROPAGATION_PROGRAMS = 10;
  /** What the end-to-end tests used to assert; a measured figure here, on the report's target table. */
  private static final Duration PROPAGATION_GOAL = Duration.ofSeconds(2);

  private final BenchOptions options;
  private final Report report;
  private final Machine machine;
  private final LoadGenerator generator;
  private final Path workDir;
  private final double sinkPhaseMax;
  private ChildProcess pipeline;
  private int httpPort;
  private int managementPort;
  private int redisPort;
  private int kinesisPort;
  private int dynamoDbPort;
  private long acknowledged;

  PipelineBench(BenchOptions options, Report report, Machine machine, LoadGenerator generator, Path workDir,
      double sinkPhaseMax) {
    this.options = options;
    this.report = report;
    this.machine = machine;
    this.generator = generator;
    this.workDir = workDir;
    this.sinkPhaseMax = sinkPhaseMax;
  }

  void run() {
    Path jar = options.root().resolve("local-pipeline/target/local-pipeline.jar");
    if (!Files.isRegularFile(jar)) {
      report.section("Local pipeline (kinesalite, DynamoDB Local)")
          .paragraph("Not measured: `" + options.root().relativize(jar) + "` is missing (build `local-pipeline`).");
      return;
    }
    httpPort = FreePorts.next();
    managementPort = FreePorts.next();
    redisPort = FreePorts.next();
    kinesisPort = FreePorts.next();
    dynamoDbPort = FreePorts.next();
    try (KinesisClient kinesis = StandInClients.build(KinesisClient.builder(), localhost(kinesisPort));
        DynamoDbClient dynamoDb = StandInClients.build(DynamoDbClient.builder(), localhost(dynamoDbPort))) {
      start(jar);
      List<String> programs = ProgramSeeder.seed("localhost", redisPort, "bench", options.programs());
      String e2eProgram = ProgramSeeder.seed("localhost", redisPort, "e2e", 1).get(0);
      report.section("Whole pipeline: local-pipeline.jar with kinesalite and DynamoDB Local")
          .paragraph("`java -jar local-pipeline/target/local-pipeline.jar` on free ports (tracker " + httpPort
              + ", Redis " + redisPort + ", kinesalite " + kinesisPort + ", DynamoDB Local " + dynamoDbPort
              + "), the tracker as its child with the pipeline's defaults except `KINESIS_BUFFER_MAX_RECORDS="
              + BUFFER_RECORDS + "` (so the emulator's limit turns into 503s within a round rather than after "
              + "100,000 buffered events). Programs seeded straight into its Redis as in the sink phase.");
      // The pipeline's own start-up check made tracking calls too: count only what comes after.
      StreamCounter counter = new StreamCounter(kinesis, STREAM);
      long before = settledCount(counter, Duration.ofSeconds(1));
      long distinctBefore = counter.distinctKeys();
      phase("pipeline warm-up", () -> warmUp(RequestMix.event(programs)));
      if (options.runs("e2e")) {
        phase("end-to-end", () -> endToEnd(dynamoDb, e2eProgram));
        phase("core-data propagation", () -> propagation(kinesis));
      }
      if (options.runs("pipeline")) {
        phase("kinesalite rounds", () -> rounds(RequestMix.event(programs)));
      }
      phase("stream delivery", () -> delivery(counter, before, distinctBefore, dynamoDb));
    } catch (RuntimeException e) {
      LOG.error("pipeline phase failed", e);
      report.paragraph("**Pipeline phase failed:** `" + e + "`" + (pipeline != null ? " (log: `"
          + options.root().relativize(pipeline.log()) + "`)" : ""));
    } finally {
      if (pipeline != null) {
        pipeline.stop(Duration.ofSeconds(90));
      }
    }
  }

  private void phase(String name, Runnable body) {
    LOG.info("== pipeline phase: {}", name);
    try {
      body.run();
    } catch (RuntimeException e) {
      LOG.error("phase {} failed", name, e);
      report.paragraph("**Phase `" + name + "` failed:** `" + e + "`");
    }
  }

  private void start(Path built) {
    // Own copies: a rebuild of the checkout during the run must not pull the jars from under the JVMs.
    Path jar = Artifacts.snapshotWithLib(built, built.resolveSibling("lib"), workDir.resolve("local-pipeline"))
        .get(0);
    Path trackerJar = Artifacts.snapshot(options.root().resolve("tracker-service/target/tracker-service.jar"),
        workDir.resolve("local-pipeline"));
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HTTP_PORT", Integer.toString(httpPort));
    env.put("MANAGEMENT_PORT", Integer.toString(managementPort));
    env.put("REDIS_PORT", Integer.toString(redisPort));
    env.put("KINESIS_PORT", Integer.toString(kinesisPort));
    env.put("DYNAMODB_PORT", Integer.toString(dynamoDbPort));
    env.put("KINESIS_BUFFER_MAX_RECORDS", Integer.toString(BUFFER_RECORDS));
    env.put("TRACKER_JAR", trackerJar.toString());
    pipeline = ChildProcess.of("local-pipeline", ChildProcess.java(List.of("-Xmx1g"), List.of("-jar", jar.toString())))
        .environment(env).logTo(workDir.resolve("local-pipeline.log")).killOnJvmExit().start();
    boolean ready = Http.await(Duration.ofSeconds(150), () -> {
      if (!pipeline.isAlive()) {
        return true;
      }
      Http.Response response = Http.tryGet("http://localhost:" + managementPort + "/health/ready");
      return response != null && response.status() == 200;
    });
    if (!ready || !pipeline.isAlive()) {
      throw new IllegalStateException("local pipeline not ready (alive: " + pipeline.isAlive() + "); log: "
          + pipeline.log());
    }
  }

  /**
   * A freshly started tracker JITs and fills its cache for a while; a gentle constant-rate warm-up, then a pause
   * for the consumer to empty the stream, so the end-to-end figure is not the cold start's.
   */
  private void warmUp(RequestMix mix) {
    LoadResult warm = generator.constantRate("pipeline-tracker", "localhost", httpPort, options.connections(), mix,
        E2E_RATE * 5, options.warmup().multipliedBy(2));
    acknowledged += warm.acknowledged();
    LOG.info("pipeline warm-up: {}", warm);
    Http.pause(5_000);
  }

  private void endToEnd(DynamoDbClient dynamoDb, String programId) {
    EndToEnd.Result result = new EndToEnd(dynamoDb, TABLE, "http://localhost:" + httpPort)
        .run(programId, options.e2eEvents(), E2E_RATE, Duration.ofSeconds(options.quick() ? 30 : 90));
    acknowledged += result.accepted();
    var ms = result.millis();
    String summary = ms.getTotalCount() == 0 ? "no item found" : String.format("p50 %d ms, p90 %d ms, p99 %d ms,"
            + " max %d ms over %,d events", ms.getValueAtPercentile(50), ms.getValueAtPercentile(90),
        ms.getValueAtPercentile(99), ms.getMaxValue(), ms.getTotalCount());
    report.target("End to end (call -> DynamoDB)", "p50/p99 over >= 1,000 events (no goal)", summary,
        null);
    report.subsection("End to end: tracking call to item in DynamoDB")
        .paragraph(String.format("%,d `/event` calls at %.0f/s on an otherwise idle pipeline; %,d answered 200, "
                + "%,d of those found in DynamoDB (Query on `byProgram`, polled continuously) within the timeout. "
                + "Latency = call sent -> first query that returns the item. It is dominated by the local "
                + "event-source poller's GetRecords interval (Lambda's mapping polls each shard about once a "
                + "second, here batches of 100) and the tracker's linger. Answers: %s.", result.sent(), E2E_RATE,
            result.accepted(), result.found(), result.statuses()))
        .table(List.of("events", "p50 ms", "p90 ms", "p99 ms", "max ms"), List.of(List.of(
            Long.toString(ms.getTotalCount()), Long.toString(ms.getValueAtPercentile(50)),
            Long.toString(ms.getValueAtPercentile(90)), Long.toString(ms.getValueAtPercentile(99)),
            Long.toString(ms.getMaxValue()))));
  }

  /**
   * Core data's way through the pipeline: a program document put on core-data-updates, the redis-updater (fed by
   * the local event-source poller) storing and announcing it, the tracker answering 200 for it. Timed from the put
   * to the first 200, probing every 10 ms; each 200 is a tracking event and counts as acknowledged.
   */
  private void propagation(KinesisClient kinesis) {
    Histogram millis = new Histogram(60_000L, 3);
    for (int i = 0; i < PROPAGATION_PROGRAMS; i++) {
      String id = "propagation-" + i + "-" + System.nanoTime();
      long start = System.nanoTime();
      kinesis.putRecord(b -> b.streamName(CORE_DATA_STREAM).partitionKey(id)
          .data(SdkBytes.fromUtf8String("{\"programId\":\"" + id + "\",\"programName\":\"bench\",\"version\":1}")));
      long deadline = start + Duration.ofSeconds(30).toNanos();
      Http.Response answer = Http.tryGet("http://localhost:" + httpPort + "/event/" + id);
      while ((answer == null || answer.status() != 200) && System.nanoTime() < deadline) {
        Http.pause(10);
        answer = Http.tryGet("http://localhost:" + httpPort + "/event/" + id);
      }
      if (answer != null && answer.status() == 200) {
        acknowledged++;
        millis.recordValue(Math.min(60_000L, (System.nanoTime() - start) / 1_000_000));
      }
    }
    String summary = millis.getTotalCount() == 0 ? "no program served" : String.format("p50 %d ms, max %d ms, "
        + "%d of %d served", millis.getValueAtPercentile(50), millis.getMaxValue(), millis.getTotalCount(),
        PROPAGATION_PROGRAMS);
    report.target("Core data: published -> served", "<= " + PROPAGATION_GOAL.toSeconds() + " s", summary,
        millis.getTotalCount() == PROPAGATION_PROGRAMS && millis.getMaxValue() <= PROPAGATION_GOAL.toMillis());
    report.subsection("Core data: published on the stream to served by the tracker")
        .paragraph(String.format("%d program documents put on `%s` one after the other; each timed from the put to "
            + "the tracker's first 200 for it (probed every 10 ms): the local event-source poller's GetRecords "
            + "interval (about a second while idle, as Lambda's mapping), the updater's Lua script, pub/sub, L1. "
            + "%s.", PROPAGATION_PROGRAMS, CORE_DATA_STREAM, summary));
  }

  private void rounds(RequestMix mix) {
    Optional<ProcessHandle> tracker = trackerProcess();
    generator.closedLoop("pipeline-tracker", "localhost", httpPort, options.connections(), mix, options.warmup())
        .statusCounts().forEach((status, n) -> acknowledged += status >= 200 && status < 400 ? n : 0);
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < options.rounds(); i++) {
      LoadResult r = generator.closedLoop("pipeline-tracker", "localhost", httpPort, options.connections(), mix,
          options.pipelineRound());
      acknowledged += r.acknowledged();
      LOG.info("{}", r);
      rows.add(List.of(Integer.toString(i + 1), Report.f0(r.requestsPerSecond()),
          Report.f0(r.acknowledged() * 1e9 / r.elapsedNanos()), Report.pct(r.count(503) / (double) r.answered()),
          Report.f2(r.latencyMillis(50)), Report.f2(r.latencyMillis(99)), Report.f2(machine.sampleLoad()),
          r.statusSummary()));
    }
    long rssKb = tracker.map(p -> ProcStats.rssKb(p.pid())).orElse(0L);
    report.subsection("Tracker against kinesalite: backpressure")
        .paragraph(String.format("Closed loop, %d connections, `/event`, %d rounds of %d s after a %d s warm-up. "
                + "For comparison, the same tracker against the bench sink: %s req/s (median, all 200). Here "
                + "the emulator (~10k records/s at best on an idle machine, sharing the cores with everything "
                + "else) is the bottleneck: the tracker acknowledges what the emulator takes and answers 503 "
                + "for the rest once its buffer is full. Tracker RSS after the rounds: %s MiB.",
            options.connections(), options.rounds(), options.pipelineRound().toSeconds(),
            options.warmup().toSeconds(), Report.f0(sinkPhaseMax), rssKb == 0 ? "n/a" : Report.f0(rssKb / 1024.0)))
        .table(List.of("round", "answers/s", "acknowledged/s", "503 share", "p50 ms", "p99 ms", "load",
            "statuses"), rows);
  }

  private void delivery(StreamCounter counter, long before, long distinctBefore, DynamoDbClient dynamoDb) {
    // The tracker may still be draining its buffer into the emulator.
    long count = settledCount(counter, Duration.ofSeconds(3)) - before;
    long distinct = counter.distinctKeys() - distinctBefore;
    long items = dynamoDb.scanPaginator(b -> b.tableName(TABLE).select(Select.COUNT)).stream()
        .mapToLong(page -> page.count()).sum();
    boolean equal = count == acknowledged && distinct == acknowledged;
    report.target("Acknowledged = delivered (kinesalite)", "equal, no duplicates", String.format("%,d "
        + "acknowledged, %,d on the stream (%,d distinct)", acknowledged, count, distinct), equal);
    report.subsection("Delivery through the emulator")
        .table(List.of("acknowledged (2xx, e2e + rounds)", "records on the stream", "distinct message ids",
                "items in DynamoDB at that moment"),
            List.of(List.of(String.format("%,d", acknowledged), String.format("%,d", count),
                String.format("%,d", distinct), String.format("%,d", items))))
        .paragraph(String.format("The stream is read from the trim horizon after the tracker's buffer drained (two "
            + "reads 3 s apart agree); the %,d record(s) the pipeline's own start-up check produced before the "
            + "benchmark's first call are left out. DynamoDB lags behind: the consumer works through the backlog "
            + "at its own pace (batches of 100 per shard, DynamoDB Local in the pipeline's JVM).", before));
  }

  /** Reads the stream until two reads {@code apart} agree (at most two minutes): nothing is in flight any more. */
  private static long settledCount(StreamCounter counter, Duration apart) {
    long previous = -1;
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    long total = counter.catchUp();
    while (total != previous && System.nanoTime() < deadline) {
      Http.pause(apart.toMillis());
      previous = total;
      total = counter.catchUp();
    }
    return total;
  }

  private Optional<ProcessHandle> trackerProcess() {
    return ProcessHandle.of(pipeline.pid()).stream().flatMap(ProcessHandle::descendants)
        .filter(p -> p.info().commandLine().map(c -> c.contains("tracker-service")).orElse(false))
        .findFirst();
  }

  private static URI localhost(int port) {
    return URI.create("http://localhost:" + port);
  }
}
