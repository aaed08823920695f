package io.adtrack.updater.bench;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.adtrack.conventions.Environment;
import io.adtrack.conventions.RedisLayout;
import io.adtrack.testkit.RedisServerFixture;
import io.adtrack.testkit.lambda.KinesisEvents;
import io.adtrack.updater.CoreDataUpdater;
import io.adtrack.updater.RedisUpdaterHandler;
import io.adtrack.updater.UpdaterConfig;
import io.adtrack.updater.coredata.ProgramValidator;
import io.adtrack.updater.redis.ProgramStore;
import io.adtrack.updater.redis.RedisClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

/**
 * Measurement, not a test: (1) the handler's cold init in this fresh JVM (construction, then the first one-record
 * invocation, which loads Jackson, Jedis and the script); (2) updates/s of the updater logic (validate + one EVALSHA
 * that stores and publishes) against a plain Jedis HSET + PUBLISH loop (two round trips, no validation, no version
 * check), on the same Redis with one subscriber listening, in the same run.
 *
 * <p>Run: {@code mvn -B -q -pl redis-updater test-compile exec:java@bench} (args: records per round, rounds).
 */
public final class UpdaterBenchmark {

  private static final int BATCH = 100;
  private static final KinesisEvents.Source SOURCE = KinesisEvents.Source.of("core-data-updates");

  private UpdaterBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    try (RedisServerFixture redis = RedisServerFixture.start()) {
      coldInit(redis);
      AtomicLong received = new AtomicLong();
      try (Subscriber subscriber = subscribe(redis.port(), received);
          RedisClient client = RedisClients.create(UpdaterConfig.forUrl(redis.url(), Duration.ofSeconds(2)))) {
        CoreDataUpdater updater = new CoreDataUpdater(new ProgramValidator(), new ProgramStore(client));
        // Warm-up for the JIT, both paths, with versions the measured rounds will exceed.
        runLogic(updater, "warm", records / 4, 1);
        runPlain(client, "warm", records / 4, 1);
        List<Double> logicRates = new ArrayList<>();
        List<Double> plainRates = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
          double logic = runLogic(updater, "logic" + round, records, 1);
          double plain = runPlain(client, "plain" + round, records, 1);
          logicRates.add(logic);
          plainRates.add(plain);
          System.out.printf(Locale.ROOT, "round %d: logic %,.0f updates/s, plain HSET+PUBLISH %,.0f updates/s%n",
              round, logic, plain);
        }
        System.out.printf(Locale.ROOT, "median of %d rounds of %,d: logic %,.0f updates/s, plain %,.0f updates/s"
            + " (logic/plain %.2f)%n", rounds, records, median(logicRates), median(plainRates),
            median(logicRates) / median(plainRates));
        System.out.printf(Locale.ROOT, "subscriber received %,d messages%n", received.get());
      }
    }
  }

  /**
   * What {@code new RedisUpdaterHandler()} does, step by step, in a JVM that has not loaded any of it yet, then the
   * first invocation. JVM start-up and the Lambda runtime's own init are not included.
   */
  private static void coldInit(RedisServerFixture redis) {
    long start = System.nanoTime();
    UpdaterConfig config = UpdaterConfig.fromEnvironment(Environment.of(Map.of("REDIS_URL", redis.url())));
    long configured = System.nanoTime();
    RedisClient client = RedisClients.create(config);
    long clientBuilt = System.nanoTime();
    ProgramValidator validator = new ProgramValidator();
    long validatorBuilt = System.nanoTime();
    ProgramStore store = new ProgramStore(client);
    long storeBuilt = System.nanoTime();
    LoggerFactory.getLogger(UpdaterBenchmark.class).info("logging initialised");
    long logged = System.nanoTime();
    RedisUpdaterHandler handler = new RedisUpdaterHandler(new CoreDataUpdater(validator, store));
    long constructed = System.nanoTime();
    StreamsEventResponse response = handler.handleRequest(KinesisEvents.of(List.of(record(1, document("cold", 1)))),
        null);
    long firstCall = System.nanoTime();
    if (!response.getBatchItemFailures().isEmpty()) {
      throw new IllegalStateException("cold-init record failed");
    }
    StreamsEventResponse second = handler.handleRequest(KinesisEvents.of(List.of(record(2, document("cold", 2)))),
        null);
    long secondCall = System.nanoTime();
    client.close();
    System.out.printf(Locale.ROOT, "cold init: config %.1f ms, Jedis client %.1f ms, validator (Jackson) %.1f ms,"
        + " script store %.1f ms, logback init %.1f ms, handler %.1f ms => init %.1f ms; first invocation"
        + " (1 record, first connection + EVAL) %.1f ms; second invocation %.2f ms (%d failures)%n",
        ms(start, configured), ms(configured, clientBuilt), ms(clientBuilt, validatorBuilt),
        ms(validatorBuilt, storeBuilt), ms(storeBuilt, logged), ms(logged, constructed), ms(start, constructed),
        ms(constructed, firstCall), ms(firstCall, secondCall), second.getBatchItemFailures().size());
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  private static double ms(long from, long to) {
    return (to - from) / 1e6;
  }

  private static double runLogic(CoreDataUpdater updater, String prefix, int count, long version) {
    List<KinesisEventRecord> all = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      all.add(record(i, document(prefix + "-" + i, version)));
    }
    long start = System.nanoTime();
    for (int from = 0; from < count; from += BATCH) {
      CoreDataUpdater.BatchResult result = updater.process(all.subList(from, Math.min(count, from + BATCH)));
      if (!result.failedSequenceNumbers().isEmpty()) {
        throw new IllegalStateException("Redis failed during the benchmark: " + result);
      }
    }
    return count / ((System.nanoTime() - start) / 1e9);
  }

  private static double runPlain(RedisClient client, String prefix, int count, long version) {
    List<Map<String, String>> hashes = new ArrayList<>(count);
    List<String> documents = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String id = prefix + "-" + i;
      Map<String, String> hash = new LinkedHashMap<>();
      hash.put("programId", id);
      hash.put("programName", "Program " + id);
      hash.put("customerId", "9124");
      hash.put("customerName", "Customer2");
      hash.put("checksum", "124");
      hash.put("validFrom", "2026-01-01T00:00:00Z");
      hash.put("validUntil", "2030-01-01T00:00:00Z");
      hash.put("landingUrl", "https://advertiser.example/offer");
      hash.put("version", Long.toString(version));
      hashes.add(hash);
      documents.add(document(id, version));
    }
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      client.hset(RedisLayout.programKey(hashes.get(i).get("programId")), hashes.get(i));
      client.publish(RedisLayout.CHANNEL, documents.get(i));
    }
    return count / ((System.nanoTime() - start) / 1e9);
  }

  private static String document(String id, long version) {
    return "{\"programId\":\"" + id + "\",\"programName\":\"Program " + id + "\",\"customerId\":9124,"
        + "\"customerName\":\"Customer2\",\"checksum\":\"124\",\"validFrom\":\"2026-01-01T00:00:00Z\","
        + "\"validUntil\":\"2030-01-01T00:00:00Z\",\"landingUrl\":\"https://advertiser.example/offer\","
        + "\"version\":" + version + "}";
  }

  private static KinesisEventRecord record(int sequence, String json) {
    return KinesisEvents.record(SOURCE, sequence, "bench", json.getBytes(StandardCharsets.UTF_8));
  }

  /** One subscriber, as the tracker would be: PUBLISH costs more when someone listens. */
  private static Subscriber subscribe(int port, AtomicLong received) throws InterruptedException {
    Jedis connection = new Jedis("localhost", port);
    JedisPubSub pubSub = new JedisPubSub() {
      @Override
      public void onMessage(String channel, String message) {
        received.incrementAndGet();
      }
    };
    Thread thread = new Thread(() -> connection.subscribe(pubSub, RedisLayout.CHANNEL), "bench-subscriber");
    thread.setDaemon(true);
    thread.start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!pubSub.isSubscribed()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("subscriber did not subscribe");
      }
      Thread.sleep(10);
    }
    return new Subscriber(connection, pubSub, thread);
  }

  /** The subscriber's connection; closing unsubscribes first so its thread ends quietly. */
  private record Subscriber(Jedis connection, JedisPubSub pubSub, Thread thread) implements AutoCloseable {

    @Override
    public void close() throws InterruptedException {
      pubSub.unsubscribe();
      thread.join(5_000);
      connection.close();
    }
  }
}
