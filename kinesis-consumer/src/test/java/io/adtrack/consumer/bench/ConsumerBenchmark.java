package io.adtrack.consumer.bench;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.adtrack.consumer.ConsumerConfig;
import io.adtrack.consumer.Deadline;
import io.adtrack.consumer.EventItemMapper;
import io.adtrack.consumer.EventTable;
import io.adtrack.consumer.EventWriter;
import io.adtrack.consumer.KinesisConsumerHandler;
import io.adtrack.consumer.WriteOutcome;
import io.adtrack.conventions.Environment;
import io.adtrack.proto.EventType;
import io.adtrack.proto.TrackingEvent;
import io.adtrack.testkit.DynamoDbLocal;
import io.adtrack.testkit.lambda.KinesisEvents;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Measures the consumer, not a test: (1) items/s the {@link EventWriter} (decode, map, concurrent BatchWriteItem)
 * writes into DynamoDB Local for 10,000 events, interleaved round by round with a plain sequential BatchWriteItem
 * loop over the same, already mapped items; (2) the handler's cold init: fresh JVMs on the shaded Lambda jar, from
 * main (before the handler class is loaded) to the first record written.
 *
 * <p>Run in a JVM of its own after {@code mvn -pl kinesis-consumer -am install -DskipTests} (the cold start needs
 * the shaded jar): {@code mvn -B -q -pl kinesis-consumer exec:exec -Dexec.executable=java
 * -Dexec.classpathScope=test -Dexec.args="-cp %classpath io.adtrack.consumer.bench.ConsumerBenchmark"}; optional
 * arguments after the class name: events (10000), rounds (4), cold runs per JVM setting (5).
 */
public final class ConsumerBenchmark {

  private static final Duration NO_HURRY = Duration.ofMinutes(10);
  private static final KinesisEvents.Source SOURCE = KinesisEvents.Source.of("tracking-events");

  private ConsumerBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int coldRuns = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    if (events < 1 || rounds < 1 || coldRuns < 0) {
      throw new IllegalArgumentException("usage: ConsumerBenchmark [events >= 1] [rounds >= 1] [coldRuns >= 0]");
    }
    try (DynamoDbLocal dynamoDbLocal = DynamoDbLocal.start()) {
      throughput(dynamoDbLocal.client(), events, rounds);
      coldStart(dynamoDbLocal, coldRuns);
    }
    // DynamoDB Local leaves a non-daemon shard-rollover thread sleeping for minutes after it stops.
    System.exit(0);
  }

  private static void throughput(DynamoDbClient dynamoDb, int events, int rounds) {
    List<KinesisEventRecord> records = records(events);
    EventItemMapper mapper = new EventItemMapper(90);
    List<Map<String, AttributeValue>> items = new ArrayList<>(events);
    for (KinesisEventRecord record : records) {
      items.add(mapper.toItem(parse(record)));
    }
    int concurrency = ConsumerConfig.fromEnvironment(Environment.of(Map.of())).writeConcurrency();
    List<Double> writer = new ArrayList<>();
    List<Double> sequentialWriter = new ArrayList<>();
    List<Double> plainLoop = new ArrayList<>();
    System.out.printf("Throughput, %,d events per run into DynamoDB Local (in this JVM), %d rounds after a warm-up"
        + " round; EventWriter concurrency %d%n", events, rounds, concurrency);
    for (int round = 0; round <= rounds; round++) {
      double a = itemsPerSecond(dynamoDb, events,
          table -> writeWithWriter(dynamoDb, table, records, mapper, concurrency));
      double b = itemsPerSecond(dynamoDb, events, table -> plainBatchWriteLoop(dynamoDb, table, items));
      double c = itemsPerSecond(dynamoDb, events, table -> writeWithWriter(dynamoDb, table, records, mapper, 1));
      String label = round == 0 ? "warm-up" : "round " + round;
      System.out.printf("  %-8s EventWriter(c=%d) %,8.0f/s | plain loop %,8.0f/s | EventWriter(c=1) %,8.0f/s%n",
          label, concurrency, a, b, c);
      if (round > 0) {
        writer.add(a);
        plainLoop.add(b);
        sequentialWriter.add(c);
      }
    }
    double medianWriter = median(writer);
    double medianLoop = median(plainLoop);
    System.out.printf("  median   EventWriter(c=%d) %,8.0f/s | plain loop %,8.0f/s | EventWriter(c=1) %,8.0f/s"
            + "  => EventWriter/plain = %.0f%%%n",
        concurrency, medianWriter, medianLoop, median(sequentialWriter), 100 * medianWriter / medianLoop);
  }

  /** Writes the events into a fresh table (created before the clock starts) and returns items per second. */
  private static double itemsPerSecond(DynamoDbClient dynamoDb, int events, TimedWrite write) {
    String table = "bench-" + UUID.randomUUID();
    EventTable.create(dynamoDb, table);
    long start = System.nanoTime();
    write.into(table);
    double seconds = (System.nanoTime() - start) / 1e9;
    int stored = dynamoDb.scan(b -> b.tableName(table).select("COUNT")).count();
    if (stored != events) {
      // Paged scan counts only the first MB; fall back to the paginator before calling it a failure.
      stored = dynamoDb.scanPaginator(b -> b.tableName(table).select("COUNT")).stream()
          .mapToInt(page -> page.count()).sum();
    }
    dynamoDb.deleteTable(b -> b.tableName(table));
    if (stored != events) {
      throw new IllegalStateException("Expected " + events + " items, found " + stored);
    }
    return events / seconds;
  }

  private static void writeWithWriter(DynamoDbClient dynamoDb, String table, List<KinesisEventRecord> records,
      EventItemMapper mapper, int concurrency) {
    try (EventWriter writer = new EventWriter(dynamoDb, table, mapper, concurrency)) {
      WriteOutcome outcome = writer.write(records, Deadline.after(NO_HURRY));
      if (outcome.failed() > 0) {
        throw new IllegalStateException(outcome.failed() + " records failed");
      }
    }
  }

  /** The baseline: what anyone would write first, 25 items a call, one call after the other. */
  private static void plainBatchWriteLoop(DynamoDbClient dynamoDb, String table,
      List<Map<String, AttributeValue>> items) {
    for (int from = 0; from < items.size(); from += EventWriter.MAX_BATCH_ITEMS) {
      List<WriteRequest> writes = items.subList(from, Math.min(items.size(), from + EventWriter.MAX_BATCH_ITEMS))
          .stream().map(item -> WriteRequest.builder().putRequest(put -> put.item(item)).build()).toList();
      Map<String, List<WriteRequest>> pending = Map.of(table, writes);
      while (!pending.isEmpty()) {
        Map<String, List<WriteRequest>> request = pending;
        BatchWriteItemResponse response = dynamoDb.batchWriteItem(b -> b.requestItems(request));
        pending = response.unprocessedItems();
      }
    }
  }

  /** One timed write into the given table. */
  @FunctionalInterface
  private interface TimedWrite {
    void into(String table);
  }

  private static void coldStart(DynamoDbLocal dynamoDbLocal, int runs)
      throws IOException, InterruptedException, URISyntaxException {
    Path testClasses = Path.of(ConsumerBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path jar = testClasses.getParent().resolve("kinesis-consumer.jar");
    if (!Files.exists(jar)) {
      System.out.println("Cold start skipped: " + jar + " missing; run `mvn -pl kinesis-consumer package` first");
      return;
    }
    String table = "bench-cold-" + UUID.randomUUID();
    EventTable.create(dynamoDbLocal.client(), table);
    String javaCommand = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // The testkit only builds the event the child invokes the handler with, as Lambda's runtime would hand it over.
    Path testkit = Path.of(KinesisEvents.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    String classpath = String.join(File.pathSeparator, jar.toString(), testClasses.toString(), testkit.toString());
    System.out.printf("Cold start, fresh JVM on %s (%,d bytes), %d runs per JVM setting; "
        + "ms from main (handler class not yet loaded) to the first record written:%n", jar.getFileName(),
        Files.size(jar), runs);
    for (List<String> jvmFlags : List.of(List.<String>of(), List.of("-XX:TieredStopAtLevel=1"))) {
      List<Double> totals = new ArrayList<>();
      List<Double> inits = new ArrayList<>();
      List<Double> boots = new ArrayList<>();
      for (int run = 0; run < runs; run++) {
        List<String> command = new ArrayList<>(List.of(javaCommand));
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", classpath, ColdStart.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("AWS_") || name.equals("EVENT_TABLE"));
        env.putAll(Map.of("EVENT_TABLE", table, "AWS_REGION", "us-east-1",
            "AWS_ENDPOINT_URL_DYNAMODB", dynamoDbLocal.endpoint().toString(),
            "AWS_ACCESS_KEY_ID", "local", "AWS_SECRET_ACCESS_KEY", "local"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0 || !output.contains("COLD ")) {
          throw new IllegalStateException("Cold-start JVM failed:\n" + output);
        }
        String[] fields = output.substring(output.indexOf("COLD ") + 5).strip().split("\\s+");
        inits.add(Double.parseDouble(fields[0]));
        totals.add(Double.parseDouble(fields[1]));
        boots.add(Double.parseDouble(fields[2]));
      }
      System.out.printf("  flags %-26s handler constructed %5.0f ms, first record written %5.0f ms"
              + " (median; runs %s), JVM boot before main %3.0f ms%n",
          jvmFlags.isEmpty() ? "(default)" : String.join(" ", jvmFlags), median(inits), median(totals),
          totals.stream().map(t -> String.format("%.0f", t)).toList(), median(boots));
    }
    int written = dynamoDbLocal.client().scan(b -> b.tableName(table).select("COUNT")).count();
    System.out.printf("  items written by the cold JVMs: %d (one messageId per run)%n", written);
  }

  private static List<KinesisEventRecord> records(int count) {
    List<KinesisEventRecord> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      records.add(record(event(i), i));
    }
    return records;
  }

  static TrackingEvent event(int i) {
    return TrackingEvent.newBuilder()
        .setMessageId(UUID.randomUUID().toString())
        .setType(EventType.forNumber(1 + i % 3))
        .setProgramId("program-" + i % 50)
        .setProgramName("Program " + i % 50)
        .setCustomerId(1_000 + i % 7)
        .setCustomerName("Customer " + i % 7)
        .setUserAgent("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0")
        .setReceivedAt(System.currentTimeMillis())
        .putParams("campaign", "winter-" + i % 11)
        .putParams("slot", "top")
        .setProgramVersion(7)
        .setReferer("https://publisher.example/article/" + i)
        .setClientIp("203.0.113." + i % 250)
        .build();
  }

  static KinesisEventRecord record(TrackingEvent event, int index) {
    return KinesisEvents.record(SOURCE, index, event.getMessageId(), event.toByteArray());
  }

  private static TrackingEvent parse(KinesisEventRecord record) {
    try {
      return TrackingEvent.parseFrom(record.getKinesis().getData().duplicate());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }

  /**
   * The child JVM of the cold-start measurement: the shaded Lambda jar, this class and the testkit (for the event,
   * which Lambda's runtime would build) on its classpath, configured through the environment exactly as Lambda
   * configures the function.
   */
  public static final class ColdStart {

    private ColdStart() {
    }

    public static void main(String[] args) {
      long mainStart = System.nanoTime();
      KinesisConsumerHandler handler = new KinesisConsumerHandler();
      long constructed = System.nanoTime();
      KinesisEvent event = KinesisEvents.of(List.of(record(event(0), 0)));
      StreamsEventResponse response = handler.handleRequest(event, null);
      long written = System.nanoTime();
      if (!response.getBatchItemFailures().isEmpty()) {
        throw new IllegalStateException("The record was not written: " + response.getBatchItemFailures());
      }
      double bootMillis = ManagementFactory.getRuntimeMXBean().getUptime() - (System.nanoTime() - mainStart) / 1e6;
      System.out.printf("COLD %.1f %.1f %.1f%n", (constructed - mainStart) / 1e6, (written - mainStart) / 1e6,
          bootMillis);
    }
  }
}
