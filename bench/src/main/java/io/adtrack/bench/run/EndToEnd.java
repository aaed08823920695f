package io.adtrack.bench.run;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Latency from a tracking call to its item in DynamoDB through the whole local pipeline: calls go out at a steady
 * rate; a loop queries the {@code byProgram} index for the program's new items and times each message id from the
 * moment its call was sent to the moment the query first returned it.
 */
record EndToEnd(DynamoDbClient dynamoDb, String table, String trackerBase) {

  /**
   * What came out.
   *
   * @param sent     calls made
   * @param accepted calls answered 200 (with a message id)
   * @param found    of those, items seen in DynamoDB before the timeout
   * @param millis   call sent -> item visible, milliseconds
   * @param statuses answers by status (or error class)
   */
  record Result(int sent, int accepted, int found, Histogram millis, Duration took, Map<String, Integer> statuses) {
  }

  private record Pending(long sentNanos, long receivedAt) {
  }

  Result run(String programId, int events, double ratePerSecond, Duration timeout) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).build();
    Map<String, Pending> pending = new ConcurrentHashMap<>();
    Map<String, Integer> statuses = new ConcurrentSkipListMap<>();
    Histogram latency = new Histogram(3_600_000L, 3);
    AtomicInteger sent = new AtomicInteger();
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger answered = new AtomicInteger();
    AtomicLong oldestReceivedAt = new AtomicLong(System.currentTimeMillis() - 1_000);
    long start = System.nanoTime();
    ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
    long periodMicros = (long) (1e6 / ratePerSecond);
    sender.scheduleAtFixedRate(() -> {
      if (sent.get() >= events) {
        return;
      }
      sent.incrementAndGet();
      long sentNanos = System.nanoTime();
      HttpRequest request = HttpRequest.newBuilder(URI.create(trackerBase + "/event/" + programId))
          .timeout(Duration.ofSeconds(10)).header("User-Agent", "adtrack-bench e2e").GET().build();
      http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
        answered.incrementAndGet();
        statuses.merge(error == null ? Integer.toString(response.statusCode()) : error.getClass().getSimpleName(), 1,
            Integer::sum);
        if (error == null && response.statusCode() == 200) {
          JsonObject body = new JsonObject(response.body());
          accepted.incrementAndGet();
          pending.put(body.getString("messageId"), new Pending(sentNanos, body.getLong("receivedAt", 0L)));
        }
      });
    }, 0, periodMicros, TimeUnit.MICROSECONDS);

    long deadline = start + (long) (events / ratePerSecond * 1e9) + timeout.toNanos();
    int found = 0;
    try {
      while (System.nanoTime() < deadline && (answered.get() < events || !pending.isEmpty())) {
        long since = pending.values().stream().mapToLong(Pending::receivedAt).filter(t -> t > 0).min()
            .orElse(oldestReceivedAt.get());
        oldestReceivedAt.set(since);
        for (String messageId : newItems(programId, since)) {
          Pending p = pending.remove(messageId);
          if (p != null) {
            latency.recordValue(Math.max(0, (System.nanoTime() - p.sentNanos()) / 1_000_000));
            found++;
          }
        }
        Http.pause(20);
      }
    } finally {
      sender.shutdownNow();
    }
    return new Result(sent.get(), accepted.get(), found, latency, Duration.ofNanos(System.nanoTime() - start),
        Map.copyOf(statuses));
  }

  /** Message ids of the program's items received at or after {@code sinceMillis}, via the byProgram index. */
  private Iterable<String> newItems(String programId, long sinceMillis) {
    QueryRequest query = QueryRequest.builder()
        .tableName(table)
        .indexName("byProgram")
        .keyConditionExpression("programId = :p AND receivedAt >= :t")
        .expressionAttributeValues(Map.of(
            ":p", AttributeValue.fromS(programId),
            ":t", AttributeValue.fromN(Long.toString(sinceMillis))))
        .projectionExpression("messageId")
        .build();
    return () -> dynamoDb.queryPaginator(query).items().stream().map(item -> item.get("messageId").s()).iterator();
  }
}
