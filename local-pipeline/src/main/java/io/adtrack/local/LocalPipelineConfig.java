package io.adtrack.local;

import io.adtrack.conventions.AwsRegion;
import io.adtrack.conventions.Environment;
import io.adtrack.testkit.FreePorts;
import io.adtrack.testkit.KinesisEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the local pipeline needs to know, read once in {@code main} (or built by a test).
 *
 * @param redisPort       REDIS_PORT (6379)
 * @param kinesisPort     KINESIS_PORT (4567): the Kinesis emulator, plain HTTP
 * @param dynamoDbPort    DYNAMODB_PORT (8000): DynamoDB Local, {@code -sharedDb}
 * @param httpPort        HTTP_PORT (8080): the tracker's tracking calls
 * @param managementPort  MANAGEMENT_PORT (8081): the tracker's health and metrics
 * @param emulator        which Kinesis emulator: kinesalite (JSON, fast) unless a test wants kinesis-mock (CBOR)
 * @param cborEnabled     whether the SDKs speak CBOR to the emulator; must match {@code aws.cborEnabled} here
 * @param trackerJar      TRACKER_JAR: the tracker's production jar, run as a child process
 * @param samplePrograms  SAMPLE_PROGRAMS: program documents published on core-data-updates at start; empty: the
 *                        redis-updater's bundled {@code sample-programs.json}
 * @param eventStream     the stream the tracker writes and the consumer reads
 * @param coreDataStream  the stream the publisher writes and the updater reads
 * @param eventTable      the table the consumer writes
 */
public record LocalPipelineConfig(
    int redisPort,
    int kinesisPort,
    int dynamoDbPort,
    int httpPort,
    int managementPort,
    KinesisEmulator.Kind emulator,
    boolean cborEnabled,
    Path trackerJar,
    Optional<Path> samplePrograms,
    String eventStream,
    String coreDataStream,
    String eventTable) {

  /** The region every stand-in is addressed in. */
  public static final String REGION = AwsRegion.LOCAL_DEFAULT;
  static final String TRACKER_JAR_IN_REPOSITORY = "tracker-service/target/tracker-service.jar";

  /** The local pipeline's defaults, overridden by the port variables and TRACKER_JAR / SAMPLE_PROGRAMS. */
  public static LocalPipelineConfig fromEnvironment(Environment env) {
    Path root = RepositoryRoot.locate();
    return new LocalPipelineConfig(
        env.port("REDIS_PORT", 6379),
        env.port("KINESIS_PORT", 4567),
        env.port("DYNAMODB_PORT", 8000),
        env.port("HTTP_PORT", 8080),
        env.port("MANAGEMENT_PORT", 8081),
        KinesisEmulator.Kind.KINESALITE,
        false,
        env.path("TRACKER_JAR", root.resolve(TRACKER_JAR_IN_REPOSITORY)),
        env.optionalPath("SAMPLE_PROGRAMS"),
        "tracking-events",
        "core-data-updates",
        "tracking-events");
  }

  /** The defaults on ports free right now, for tests that start a pipeline of their own. */
  public static LocalPipelineConfig onFreePorts() {
    Path root = RepositoryRoot.locate();
    return new LocalPipelineConfig(FreePorts.next(), FreePorts.next(), FreePorts.next(), FreePorts.next(),
        FreePorts.next(), KinesisEmulator.Kind.KINESALITE, false, root.resolve(TRACKER_JAR_IN_REPOSITORY),
        Optional.empty(), "tracking-events", "core-data-updates", "tracking-events");
  }

  /** The same pipeline on another emulator and wire format (kinesis-mock speaks CBOR, as Kinesis does). */
  public LocalPipelineConfig withEmulator(KinesisEmulator.Kind kind, boolean cbor) {
    return new LocalPipelineConfig(redisPort, kinesisPort, dynamoDbPort, httpPort, managementPort, kind, cbor,
        trackerJar, samplePrograms, eventStream, coreDataStream, eventTable);
  }

  /** Each port with the variable that sets it, in start order; for the "port taken" check. */
  public Map<String, Integer> portsByVariable() {
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("REDIS_PORT", redisPort);
    ports.put("KINESIS_PORT", kinesisPort);
    ports.put("DYNAMODB_PORT", dynamoDbPort);
    ports.put("HTTP_PORT", httpPort);
    ports.put("MANAGEMENT_PORT", managementPort);
    return ports;
  }

  /** Checks that the files the pipeline runs exist, with the command that makes them. */
  public void requireFiles() {
    if (!Files.isRegularFile(trackerJar)) {
      throw new IllegalStateException("The tracker jar " + trackerJar + " is missing: build it with "
          + "`mvn -B -q install -DskipTests` (./run does that for you), or point TRACKER_JAR at it");
    }
    samplePrograms.filter(file -> !Files.isRegularFile(file)).ifPresent(file -> {
      throw new IllegalStateException("SAMPLE_PROGRAMS=" + file + " does not exist: point it at a JSON array of "
          + "program documents, or unset it for the bundled samples");
    });
  }
}
