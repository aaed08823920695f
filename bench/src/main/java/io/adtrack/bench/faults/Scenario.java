package io.adtrack.bench.faults;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The faults of issue 16, each done to a healthy pipeline under load: what is done ({@code inject}), for how long
 * (the full run's duration; the quick variant shortens it), and what ends it ({@code heal}). The end of the fault is
 * the moment {@code heal} begins; the time to full service is counted from there.
 */
enum Scenario {

  KINESIS_STOPPED("kinesis-stopped", "Kinesis emulator stopped, then started again on its data",
      Duration.ofSeconds(60), FaultPipeline::stopKinesis, FaultPipeline::startKinesis),
  REDIS_STOPPED("redis-stopped", "Redis stopped, then back with its data (cached programs keep validating, "
      + "misses answer 503, never 404)", Duration.ofSeconds(30), FaultPipeline::stopRedis, FaultPipeline::startRedis),
  REDIS_EMPTY("redis-empty", "Redis restarted empty (a failover to a cold replica), then every program "
      + "republished with the publisher CLI", Duration.ofSeconds(30), FaultPipeline::restartRedisEmpty,
      FaultPipeline::republishPrograms),
  DYNAMODB_UNREACHABLE("dynamodb-unreachable", "DynamoDB unreachable for the kinesis-consumer (its line cut), then "
      + "back", Duration.ofSeconds(30), FaultPipeline::cutDynamoDb, FaultPipeline::restoreDynamoDb),
  TRACKER_SIGTERM("tracker-sigterm", "Tracker stopped with SIGTERM mid-load, then started again",
      Duration.ZERO, FaultPipeline::stopTracker, FaultPipeline::startTracker),
  TRACKER_SIGKILL("tracker-sigkill", "Tracker killed with SIGKILL mid-load, then started again",
      Duration.ZERO, FaultPipeline::killTracker, FaultPipeline::startTracker),
  KINESIS_SLOW("kinesis-slow", "Kinesis slow: every call 2 s late through a proxy of ours (1 s each way)",
      Duration.ofSeconds(30), FaultPipeline::slowKinesis, FaultPipeline::restoreKinesisLine),
  POISON("poison", "Poison records put on both streams mid-load (undecodable and keyless events, a document "
      + "that is not JSON and one without version)", Duration.ofSeconds(10), FaultPipeline::putPoison, pipeline -> { });

  private final String key;
  private final String description;
  private final Duration fault;
  private final Consumer<FaultPipeline> inject;
  private final Consumer<FaultPipeline> heal;

  Scenario(String key, String description, Duration fault, Consumer<FaultPipeline> inject,
      Consumer<FaultPipeline> heal) {
    this.key = key;
    this.description = description;
    this.fault = fault;
    this.inject = inject;
    this.heal = heal;
  }

  /** The name on the command line, in the report and in file names. */
  String key() {
    return key;
  }

  String description() {
    return description;
  }

  /** How long the fault lasts in a full run; scaled down, but never to nothing, in the quick variant. */
  Duration fault(boolean quick) {
    if (!quick || fault.isZero()) {
      return fault;
    }
    return fault.dividedBy(8).compareTo(Duration.ofSeconds(3)) < 0 ? Duration.ofSeconds(3) : fault.dividedBy(8);
  }

  void inject(FaultPipeline pipeline) {
    inject.accept(pipeline);
  }

  void heal(FaultPipeline pipeline) {
    heal.accept(pipeline);
  }

  /** The scenario of that name. */
  static Scenario byKey(String key) {
    for (Scenario scenario : values()) {
      if (scenario.key.equals(key)) {
        return scenario;
      }
    }
    throw new IllegalArgumentException("no scenario " + key + "; known: " + String.join(", ", keys()));
  }

  static List<String> keys() {
    return Arrays.stream(values()).map(Scenario::key).toList();
  }
}
