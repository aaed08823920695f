package io.adtrack.local;

import io.adtrack.consumer.ConsumerConfig;
import io.adtrack.consumer.EventTable;
import io.adtrack.consumer.EventWriter;
import io.adtrack.consumer.KinesisConsumerHandler;
import io.adtrack.conventions.Environment;
import io.adtrack.local.PortCheck.PortTakenException;
import io.adtrack.testkit.ChildProcess;
import io.adtrack.testkit.DynamoDbLocal;
import io.adtrack.testkit.KinesisEmulator;
import io.adtrack.testkit.RedisServerFixture;
import io.adtrack.testkit.StandInClients;
import io.adtrack.updater.RedisUpdaterHandler;
import io.adtrack.updater.UpdaterConfig;
import io.adtrack.updater.publish.PublishPrograms;
import io.adtrack.updater.publish.PublisherConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import sun.misc.Signal;

/**
 * The whole pipeline on one machine, in the foreground ({@code ./run}): Redis, a Kinesis emulator and DynamoDB Local
 * (testkit's real stand-ins), the streams and the table, the tracker's production jar as a child process, and both
 * Lambda handlers fed from their streams by {@link EventSourcePoller}s. Sample programs go through
 * core-data-updates and the redis-updater, so the tracker knows them through the same path as in AWS.
 *
 * <p>The tracker runs with ACK_AFTER=spool, its spool in the pipeline's directory
 * {@code <java.io.tmpdir>/adtrack-local-<HTTP_PORT>/spool} (printed at start). Stopping (SIGINT, SIGTERM, SIGHUP,
 * or the process that started it ending) goes downstream: the tracker gets SIGTERM and time to send its spool to
 * Kinesis, then the pollers drain the streams into the handlers, then the stand-ins stop. A spool left with events
 * (the tracker was killed) stays, and the next {@code ./run} on that port sends them; so does a tracker restarted
 * by this pipeline (the same spool).
 */
public final class LocalPipeline implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalPipeline.class);

  static final int EXIT_OK = 0;
  static final int EXIT_FAILED = 1;
  static final int EXIT_CONFIG = 2;
  static final int EXIT_INTERRUPTED = 130;

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration TRACKER_SHUTDOWN_GRACE = Duration.ofSeconds(30);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(15);
  private static final int EVENT_STREAM_SHARDS = 2;
  private static final int CORE_DATA_STREAM_SHARDS = 1;
  private static final String BUNDLED_SAMPLES = "/sample-programs.json";
  private static final Duration UPDATER_REDIS_TIMEOUT = Duration.ofSeconds(2);

  /** When a part stops: downstream order, so nothing is lost on the way out. */
  private enum Stage { PRODUCER, CONSUMERS, STAND_INS }

  /** Something started, and how to stop it; stopped by stage, then in reverse start order. */
  private record Running(Stage stage, String name, AutoCloseable stopper) {
  }

  /**
   * How a harness that injects faults (bench/faults) wires the pipeline beyond what {@code ./run} does: lines it can
   * cut or slow down, Redis on a disk, settings for the tracker.
   *
   * @param trackerEnvironment variables set for the tracker on top of the pipeline's (ACK_AFTER, say); a tracker
   *                           ignores those it does not know
   * @param kinesisEndpoint    where the tracker and both pollers reach Kinesis (a proxy in front of the emulator);
   *                           empty: the emulator itself. The publisher always talks to the emulator.
   * @param consumerDynamoDb   where the kinesis-consumer reaches DynamoDB (a proxy); empty: DynamoDB Local itself
   * @param redisDataDir       where Redis keeps an append-only file, so a stopped Redis comes back with its data;
   *                           empty: in memory, as ./run has it
   */
  public record Wiring(Map<String, String> trackerEnvironment, Optional<URI> kinesisEndpoint,
      Optional<URI> consumerDynamoDb, Optional<Path> redisDataDir) {

    /** What {@code ./run} does: nothing beyond the stand-ins themselves. */
    public static final Wiring DIRECT = new Wiring(Map.of(), Optional.empty(), Optional.empty(), Optional.empty());

    public Wiring {
      trackerEnvironment = Map.copyOf(trackerEnvironment);
    }
  }

  private final LocalPipelineConfig config;
  private final Wiring wiring;
  private final List<Running> running = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final long startNanos = System.nanoTime();
  private RedisServerFixture redis;
  private KinesisEmulator kinesis;
  private DynamoDbLocal dynamoDb;
  private EventSourcePoller consumerPoller;
  private EventSourcePoller updaterPoller;
  private volatile ChildProcess tracker;
  private Path spoolDir;
  private Runnable onTrackerExit;
  private final AtomicInteger unexpectedTrackerExits = new AtomicInteger();
  private Path samplesFile;
  private SamplePrograms samples;
  private volatile boolean closing;
  private Duration startupTime;

  private LocalPipeline(LocalPipelineConfig config, Wiring wiring) {
    this.config = config;
    this.wiring = wiring;
  }

  public static void main(String[] args) {
    useStandInDefaults();
    System.exit(run(Environment.system()));
  }

  /**
   * What every AWS SDK client of this JVM must know before the first is built (each reads it then), for a JVM that
   * runs the pipeline in-process: {@code main}, or a fault harness.
   */
  public static void useStandInDefaults() {
    // kinesalite speaks JSON only.
    System.setProperty("aws.cborEnabled", "false");
    // Dummy credentials ahead of the default chain, so real keys in the shell never reach the stand-ins.
    System.setProperty("aws.accessKeyId", "local");
    System.setProperty("aws.secretAccessKey", "local");
    // DynamoDB Local logs through the Log4j 2 API without an implementation: quiet, instead of an ERROR at start.
    System.setProperty("log4j2.loggerContextFactory", "org.apache.logging.log4j.simple.SimpleLoggerContextFactory");
  }

  /** The launcher without System.exit: start, print, wait for a stop signal or the parent to end, stop. */
  static int run(Environment env) {
    LocalPipelineConfig config;
    try {
      config = LocalPipelineConfig.fromEnvironment(env);
      config.requireFiles();
      PortCheck.requireFree(config.portsByVariable());
    } catch (IllegalArgumentException | IllegalStateException | PortTakenException e) {
      System.err.println(e.getMessage());
      return EXIT_CONFIG;
    }
    CountDownLatch stop = new CountDownLatch(1);
    AtomicInteger exitCode = new AtomicInteger(EXIT_OK);
    onStopSignal(stop::countDown);
    onParentGone(ProcessHandle.current().parent(), stop::countDown);
    LocalPipeline pipeline;
    try {
      pipeline = start(config, Wiring.DIRECT, () -> stop.getCount() == 0, () -> {
        exitCode.set(EXIT_FAILED);
        stop.countDown();
      });
    } catch (StartCancelledException e) {
      return EXIT_INTERRUPTED;
    } catch (RuntimeException e) {
      LOG.error("The local pipeline did not start: {}", e.getMessage(), e);
      return EXIT_FAILED;
    }
    // A stop that does not come through the signal handlers (System.exit elsewhere) still cleans up.
    Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close, "local-pipeline-shutdown"));
    System.out.println(pipeline.banner());
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pipeline.close();
    return exitCode.get();
  }

  /**
   * Handles SIGINT, SIGTERM and SIGHUP (the terminal closed) ourselves instead of in shutdown hooks: hooks run all at
   * once, and testkit's own hook would kill the emulator while the tracker still flushes into it. Here the stop runs
   * in order, then we exit.
   */
  private static void onStopSignal(Runnable stop) {
    for (String name : List.of("INT", "TERM", "HUP")) {
      try {
        Signal.handle(new Signal(name), signal -> stop.run());
      } catch (IllegalArgumentException e) {
        LOG.warn("cannot handle SIG{}: stopping relies on shutdown hooks", name, e);
      }
    }
  }

  /**
   * Stops the pipeline when the process that started it ends: {@code ./run} killed with SIGKILL cannot pass its
   * stop on, and the launcher runs in a session of its own, so no terminal hangup reaches it either. Without this,
   * Redis, the emulator, DynamoDB Local and the tracker would keep running, holding their ports. A launcher whose
   * parent is already init (started detached on purpose) watches nothing.
   */
  private static void onParentGone(Optional<ProcessHandle> parent, Runnable stop) {
    parent.filter(handle -> handle.pid() > 1).ifPresent(handle -> handle.onExit().thenRun(() -> {
      LOG.warn("The process that started the local pipeline (pid {}) is gone: stopping everything", handle.pid());
      stop.run();
    }));
  }

  /** Starts everything and waits until the tracker answers for a sample program; for tests, without signals. */
  public static LocalPipeline start(LocalPipelineConfig config) {
    return start(config, Wiring.DIRECT);
  }

  /** {@link #start(LocalPipelineConfig)} wired for a fault harness. */
  public static LocalPipeline start(LocalPipelineConfig config, Wiring wiring) {
    return start(config, wiring, () -> false,
        () -> LOG.error("The tracker exited while the pipeline was running"));
  }

  private static LocalPipeline start(LocalPipelineConfig config, Wiring wiring, BooleanSupplier cancelled,
      Runnable onTrackerExit) {
    config.requireFiles();
    PortCheck.requireFree(config.portsByVariable());
    LocalPipeline pipeline = new LocalPipeline(config, wiring);
    try {
      pipeline.startAll(cancelled, onTrackerExit);
      return pipeline;
    } catch (RuntimeException | Error e) {
      pipeline.close();
      throw e;
    }
  }

  private void startAll(BooleanSupplier cancelled, Runnable onTrackerExit) {
    samplesFile = config.samplePrograms().orElseGet(this::bundledSamples);
    samples = SamplePrograms.read(samplesFile);
    redis = wiring.redisDataDir().map(dir -> RedisServerFixture.persistent(config.redisPort(), dir))
        .orElseGet(() -> RedisServerFixture.start(config.redisPort()));
    running.add(new Running(Stage.STAND_INS, "Redis", redis));
    kinesis = KinesisEmulator.start(config.emulator(), config.kinesisPort());
    running.add(new Running(Stage.STAND_INS, "Kinesis emulator", kinesis));
    kinesis.createStream(config.eventStream(), EVENT_STREAM_SHARDS);
    kinesis.createStream(config.coreDataStream(), CORE_DATA_STREAM_SHARDS);

    // The tracker's JVM boots while DynamoDB Local starts: it needs only Redis and its stream.
    spoolDir = createSpoolDirectory();
    this.onTrackerExit = onTrackerExit;
    launchTracker();
    running.add(new Running(Stage.PRODUCER, "tracker", this::stopTracker));

    dynamoDb = DynamoDbLocal.start(config.dynamoDbPort());
    running.add(new Running(Stage.STAND_INS, "DynamoDB Local", dynamoDb));
    EventTable.create(dynamoDb.client(), config.eventTable());
    LOG.info("Stand-ins up: Redis {}, {} {}, DynamoDB Local {}", redis.url(), config.emulator(), kinesis.endpoint(),
        dynamoDb.endpoint());

    KinesisClient pollers = wiring.kinesisEndpoint().map(this::kinesisClient).orElseGet(kinesis::client);
    updaterPoller = EventSourcePoller.start(pollers, config.coreDataStream(),
        new RedisUpdaterHandler(UpdaterConfig.forUrl(redis.url(), UPDATER_REDIS_TIMEOUT)),
        EventSourcePoller.Settings.lambdaDefaults("redis-updater"));
    running.add(new Running(Stage.CONSUMERS, "redis-updater poller", () -> updaterPoller.drain(DRAIN_TIMEOUT)));
    consumerPoller = EventSourcePoller.start(pollers, config.eventStream(), consumerHandler(),
        EventSourcePoller.Settings.lambdaDefaults("kinesis-consumer"));
    running.add(new Running(Stage.CONSUMERS, "kinesis-consumer poller",
        () -> consumerPoller.drain(DRAIN_TIMEOUT)));

    publish(samplesFile);
    awaitReady(cancelled);
    startupTime = Duration.ofNanos(System.nanoTime() - startNanos);
    LOG.info("Local pipeline ready in {} ms", startupTime.toMillis());
  }

  /**
   * The kinesis-consumer as the Lambda builds it, its client pointed at DynamoDB Local explicitly: this JVM's own
   * environment is the user's shell, not the function's.
   */
  private KinesisConsumerHandler consumerHandler() {
    ConsumerConfig consumer = ConsumerConfig.fromEnvironment(Environment.of(Map.of()))
        .withTableName(config.eventTable());
    DynamoDbClient client = KinesisConsumerHandler.dynamoDbClient(consumer)
        .endpointOverride(wiring.consumerDynamoDb().orElse(dynamoDb.endpoint()))
        .region(Region.of(LocalPipelineConfig.REGION))
        .build();
    running.add(new Running(Stage.STAND_INS, "kinesis-consumer's DynamoDB client", client));
    return new KinesisConsumerHandler(EventWriter.create(client, consumer));
  }

  /** The redis-updater's sample-programs.json, copied out of its jar for the publisher CLI, which reads files. */
  private Path bundledSamples() {
    try (InputStream in = RedisUpdaterHandler.class.getResourceAsStream(BUNDLED_SAMPLES)) {
      if (in == null) {
        throw new IllegalStateException(BUNDLED_SAMPLES + " is not in the redis-updater jar: set SAMPLE_PROGRAMS");
      }
      Path file = Files.createTempFile("sample-programs-", ".json");
      running.add(new Running(Stage.STAND_INS, "sample programs copy", () -> Files.deleteIfExists(file)));
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + BUNDLED_SAMPLES, e);
    }
  }

  /** A Kinesis client of the pipeline's own at another endpoint (a proxy), closed with the stand-ins. */
  private KinesisClient kinesisClient(URI endpoint) {
    KinesisClient client = StandInClients.build(KinesisClient.builder(), endpoint);
    running.add(new Running(Stage.STAND_INS, "Kinesis client of the pollers", client));
    return client;
  }

  /** The production jar in a JVM of its own, configured only through its environment as in ECS. */
  private void launchTracker() {
    ChildProcess started = ChildProcess.of("tracker", ChildProcess.java(List.of("-jar",
            config.trackerJar().toString())))
        .environment(trackerEnvironment())
        .passThrough(System.out, "[tracker] ")
        .start();
    tracker = started;
    started.onExit().thenAccept(code -> {
      // A tracker stopped on purpose (shutdown, a harness's restart) is no longer the current one.
      if (!closing && tracker == started) {
        unexpectedTrackerExits.incrementAndGet();
        LOG.error("The tracker exited on its own (code {}): see its [tracker] lines above", code);
        onTrackerExit.run();
      }
    });
  }

  /** SIGTERM, then the tracker's own shutdown (sending its spool to Kinesis) gets its grace period. */
  private void stopTracker() {
    LOG.info("Stopping the tracker (SIGTERM), up to {} s to send its spool to Kinesis",
        TRACKER_SHUTDOWN_GRACE.toSeconds());
    LOG.info("Tracker stopped (exit code {})", tracker.stop(TRACKER_SHUTDOWN_GRACE));
    removeSpoolIfSent();
  }

  /**
   * {@code <java.io.tmpdir>/adtrack-local-<HTTP_PORT>/spool}: the same for every {@code ./run} on a port, so what a
   * killed tracker left is sent by the next one.
   */
  private Path createSpoolDirectory() {
    Path directory = Path.of(System.getProperty("java.io.tmpdir"), "adtrack-local-" + config.httpPort(), "spool");
    try {
      return Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the tracker's spool directory " + directory, e);
    }
  }

  /** Once the tracker has stopped: a spool that holds no event any more goes, with the pipeline's directory. */
  private void removeSpoolIfSent() {
    try (Stream<Path> files = Files.list(spoolDir)) {
      List<Path> segments = files.filter(file -> file.getFileName().toString().endsWith(".seg")).toList();
      long left = 0;
      for (Path segment : segments) {
        left += Files.size(segment);
      }
      if (left > 0) {
        LOG.warn("The tracker's spool {} still holds {} bytes of events: the next ./run on port {} sends them",
            spoolDir, left, config.httpPort());
        return;
      }
      try (Stream<Path> all = Files.walk(spoolDir.getParent())) {
        for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    } catch (IOException e) {
      LOG.warn("Cannot tidy up the tracker's spool {}", spoolDir, e);
    }
  }

  /**
   * Stops the tracker while the rest keeps running, as ECS stops a task (SIGTERM, and its grace period to flush) or
   * as a crash does ({@code kill -9}: nothing flushed). For fault harnesses; {@link #startTracker()} starts a new one.
   *
   * @return the tracker's exit code
   */
  public synchronized int stopTracker(boolean kill) {
    ChildProcess old = tracker;
    tracker = null;
    int code;
    if (kill) {
      LOG.info("Killing the tracker (SIGKILL)");
      old.process().destroyForcibly();
      code = old.awaitExit(TRACKER_SHUTDOWN_GRACE, TRACKER_SHUTDOWN_GRACE);
    } else {
      LOG.info("Stopping the tracker (SIGTERM), up to {} s to flush", TRACKER_SHUTDOWN_GRACE.toSeconds());
      code = old.stop(TRACKER_SHUTDOWN_GRACE);
    }
    LOG.info("Tracker stopped (exit code {})", code);
    return code;
  }

  /**
   * Starts a new tracker on the same port with the same environment after {@link #stopTracker(boolean)}, as ECS
   * replaces a task, and waits until it answers for a sample program.
   */
  public synchronized void startTracker() {
    if (tracker != null) {
      throw new IllegalStateException("the tracker is running (pid " + tracker.pid() + ")");
    }
    launchTracker();
    awaitReady(() -> false);
  }

  /** Tracker processes that ended while nobody was stopping them (crashes), since start. */
  public int unexpectedTrackerExits() {
    return unexpectedTrackerExits.get();
  }

  /**
   * Publishes the sample programs again, e.g. after Redis came back empty; the redis-updater poller applies them.
   */
  public void republishSamplePrograms() {
    publish(samplesFile);
  }

  /**
   * The tracker's settings on top of this process's environment, so tracker settings the user exported
   * (CACHE_TTL_SECONDS, KINESIS_LINGER_MS, ...) still apply; the shell's variables that would point it at real AWS
   * are removed (a null value).
   */
  private Map<String, String> trackerEnvironment() {
    Map<String, String> env = new HashMap<>();
    for (String awsOnly : List.of("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION")) {
      env.put(awsOnly, null);
    }
    env.put("HTTP_PORT", Integer.toString(config.httpPort()));
    env.put("MANAGEMENT_PORT", Integer.toString(config.managementPort()));
    env.put("REDIS_URL", redis.url());
    env.put("AWS_REGION", LocalPipelineConfig.REGION);
    env.put("AWS_ENDPOINT_URL_KINESIS", kinesis.endpoint().toString());
    env.put("AWS_ACCESS_KEY_ID", "local");
    env.put("AWS_SECRET_ACCESS_KEY", "local");
    env.put("EVENT_STREAM", config.eventStream());
    env.put("CORE_DATA_STREAM", config.coreDataStream());
    env.put("EVENT_TABLE", config.eventTable());
    env.put("ACK_AFTER", "spool");
    env.put("SPOOL_DIR", spoolDir.toString());
    // kinesalite speaks JSON only; with kinesis-mock the tracker keeps the SDK's default, CBOR, as in AWS.
    env.put("CBOR_ENABLED", config.cborEnabled() ? null : "false");
    wiring.kinesisEndpoint().ifPresent(endpoint -> env.put("AWS_ENDPOINT_URL_KINESIS", endpoint.toString()));
    env.putAll(wiring.trackerEnvironment());
    return env;
  }

  /**
   * Publishes a file of program documents on core-data-updates with the publisher CLI's own code, as a publisher
   * would; the redis-updater poller applies them.
   *
   * @throws IllegalStateException when the CLI reports an invalid file or unsent documents
   */
  public void publish(Path programsFile) {
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int code;
    try (PrintStream err = new PrintStream(errors, true, StandardCharsets.UTF_8)) {
      code = PublishPrograms.run(new String[] {programsFile.toString()}, new PublisherConfig(config.coreDataStream()),
          kinesis::newClient, System.out, err);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing " + programsFile, e);
    }
    if (code != 0) {
      throw new IllegalStateException("publishing " + programsFile + " failed (exit " + code + "): "
          + errors.toString(StandardCharsets.UTF_8).trim());
    }
  }

  private void awaitReady(BooleanSupplier cancelled) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    List<URI> probes = List.of(managementUri().resolve("/health/ready"),
        trackerUri().resolve("/event/" + samples.tryProgramId()));
    for (URI probe : probes) {
      while (status(probe) != 200) {
        if (cancelled.getAsBoolean()) {
          throw new StartCancelledException();
        }
        if (!tracker.isAlive()) {
          throw new IllegalStateException("the tracker exited during start-up: see its [tracker] lines above");
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(probe + " did not answer 200 within " + READY_TIMEOUT.toSeconds() + " s");
        }
        pause(Duration.ofMillis(100));
      }
    }
  }

  private int status(URI uri) {
    try {
      HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build();
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartCancelledException();
    }
  }

  /** Stops everything started, downstream order: tracker (flushes), pollers (drain), stand-ins. Idempotent. */
  @Override
  public synchronized void close() {
    closing = true;
    if (running.isEmpty()) {
      return;
    }
    long begin = System.nanoTime();
    LOG.info("Stopping the local pipeline");
    for (Stage stage : Stage.values()) {
      for (int i = running.size() - 1; i >= 0; i--) {
        Running next = running.get(i);
        if (next.stage() == stage) {
          stop(next);
        }
      }
    }
    running.clear();
    LOG.info("Local pipeline stopped in {} ms", Duration.ofNanos(System.nanoTime() - begin).toMillis());
  }

  private static void stop(Running part) {
    try {
      part.stopper().close();
    } catch (Exception e) {
      // One part failing to stop must not keep the others running.
      LOG.warn("{} did not stop cleanly", part.name(), e);
    }
  }

  public LocalPipelineConfig config() {
    return config;
  }

  /** The tracker's public port: tracking calls. */
  public URI trackerUri() {
    return URI.create("http://localhost:" + config.httpPort());
  }

  /** The tracker's management port: /health/* and /metrics. */
  public URI managementUri() {
    return URI.create("http://localhost:" + config.managementPort());
  }

  public KinesisClient kinesis() {
    return kinesis.client();
  }

  public DynamoDbClient dynamoDb() {
    return dynamoDb.client();
  }

  public String redisUrl() {
    return redis.url();
  }

  public EventSourcePoller consumerPoller() {
    return consumerPoller;
  }

  public EventSourcePoller updaterPoller() {
    return updaterPoller;
  }

  public long trackerPid() {
    return tracker.pid();
  }

  /** The Kinesis emulator, to stop and restart (kinesalite keeps its data across). */
  public KinesisEmulator kinesisEmulator() {
    return kinesis;
  }

  /** The Redis server, to stop, restart, or restart empty. */
  public RedisServerFixture redisServer() {
    return redis;
  }

  /** Where everything listens and what to try, printed once the pipeline is ready. */
  String banner() {
    String id = samples.tryProgramId();
    String tracker = "localhost:" + config.httpPort();
    String management = "localhost:" + config.managementPort();
    String dynamo = "http://localhost:" + config.dynamoDbPort();
    return String.join(System.lineSeparator(),
        "",
        "Local pipeline ready in " + String.format("%.1f", startupTime.toMillis() / 1000.0)
            + " s. Ctrl-C stops everything it started.",
        "  tracker   http://" + tracker + "   (tracking calls; tracker-service.jar, pid " + trackerPid() + ")",
        "            http://" + management + "   (management: /health/live, /health/ready, /metrics)",
        "  spool     " + spoolDir + "   (ACK_AFTER=spool: a call is answered once its event is written here; "
            + "Ctrl-C sends it all to Kinesis first)",
        "  Redis     " + redis.url(),
        "  Kinesis   " + kinesis.endpoint() + "   (" + config.emulator().name().toLowerCase()
            + ", plain HTTP, " + (config.cborEnabled() ? "CBOR" : "JSON") + "; streams " + config.eventStream()
            + " x" + EVENT_STREAM_SHARDS + " shards, "
            + config.coreDataStream() + " x" + CORE_DATA_STREAM_SHARDS + ")",
        "  DynamoDB  " + dynamo + "   (DynamoDB Local -sharedDb; table " + config.eventTable()
            + ", index byProgram, TTL expiresAt)",
        "  region " + LocalPipelineConfig.REGION + ", any credentials (e.g. AWS_ACCESS_KEY_ID=local "
            + "AWS_SECRET_ACCESS_KEY=local)",
        "  Lambdas   kinesis-consumer <- " + config.eventStream() + ", redis-updater <- " + config.coreDataStream()
            + "   (local event-source poller: batch 100, each shard polled every 1 s)",
        "  sample programs: " + String.join(", ", samples.describe()),
        "",
        "Try:",
        "  curl -i " + tracker + "/event/" + id + "?foo=bar",
        "  curl -s -o /dev/null -w '%{http_code} %{content_type}\\n' " + tracker + "/pixel/" + id,
        "  curl -i " + tracker + "/click/" + id,
        "  curl -s -X POST " + tracker + "/events -H 'Content-Type: application/json' -d '[{\"programId\":\"" + id
            + "\",\"type\":\"event\",\"params\":{\"k\":\"v\"}},{\"programId\":\"" + id + "\",\"type\":\"click\"}]'",
        "  curl -s " + management + "/health/ready",
        "  curl -s " + management + "/metrics | grep '^tracker_'",
        "  (curl's own User-Agent counts as a bot's: its events carry invalidTraffic=BOT; try -A 'Mozilla/5.0 ...')",
        "  ./program-events " + id + " --local" + (config.dynamoDbPort() == 8000 ? "" : "   (with DYNAMODB_PORT="
            + config.dynamoDbPort() + ")"),
        "  aws dynamodb query --endpoint-url " + dynamo + " --region " + LocalPipelineConfig.REGION
            + " --table-name " + config.eventTable() + " --index-name byProgram"
            + " --key-condition-expression 'programId = :p' --expression-attribute-values '{\":p\":{\"S\":\"" + id
            + "\"}}'",
        "  publish programs: AWS_REGION=" + LocalPipelineConfig.REGION + " AWS_ENDPOINT_URL_KINESIS="
            + kinesis.endpoint() + " java -cp local-pipeline/target/local-pipeline.jar"
            + " io.adtrack.updater.publish.PublishPrograms <file.json>",
        "");
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartCancelledException();
    }
  }

  /** Start-up was interrupted by a stop request; everything started so far has been stopped. */
  static final class StartCancelledException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StartCancelledException() {
      super("start-up cancelled");
    }
  }
}
