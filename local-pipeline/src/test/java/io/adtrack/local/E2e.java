package io.adtrack.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adtrack.consumer.EventTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** What the end-to-end tests do to a running pipeline: tracking calls, program documents, reading DynamoDB. */
final class E2e {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String USER_AGENT = "adtrack-e2e/1.0";

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2))
      .followRedirects(HttpClient.Redirect.NEVER)
      .build();

  private E2e() {
  }

  static HttpResponse<String> get(URI base, String pathAndQuery) {
    return send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).GET());
  }

  /** A GET with extra headers, given as name, value, name, value...; a User-Agent among them replaces ours. */
  static HttpResponse<String> get(URI base, String pathAndQuery, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(pathAndQuery)).GET();
    for (int i = 0; i < headers.length; i += 2) {
      request.setHeader(headers[i], headers[i + 1]);
    }
    return send(request);
  }

  static HttpResponse<String> postJson(URI base, String path, String body) {
    return send(HttpRequest.newBuilder(base.resolve(path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      if (request.copy().build().headers().firstValue("User-Agent").isEmpty()) {
        request.setHeader("User-Agent", USER_AGENT);
      }
      return HTTP.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + response.body(), e);
    }
  }

  /** A program id no other test uses. */
  static String newProgramId(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A program document valid from last year to next year, with a landing URL. */
  static Map<String, Object> program(String programId, String name, long customerId, int version) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("programId", programId);
    document.put("programName", name);
    document.put("customerId", customerId);
    document.put("customerName", "Customer " + customerId);
    document.put("checksum", "sum-" + customerId);
    document.put("validFrom", "2020-01-01T00:00:00Z");
    document.put("validUntil", "2099-01-01T00:00:00Z");
    document.put("landingUrl", "https://advertiser.example/" + programId);
    document.put("version", version);
    return document;
  }

  static Map<String, Object> deletion(String programId, int version) {
    return Map.of("programId", programId, "version", version, "deleted", true);
  }

  /** Publishes documents through the publisher CLI's code onto core-data-updates. */
  @SafeVarargs
  static void publish(LocalPipeline pipeline, Path dir, Map<String, Object>... documents) {
    try {
      Path file = Files.createTempFile(dir, "programs-", ".json");
      JSON.writeValue(file.toFile(), List.of(documents));
      pipeline.publish(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every persisted event of a program, through the byProgram index, oldest first. */
  static List<Map<String, AttributeValue>> persistedEvents(DynamoDbClient dynamoDb, String table, String programId) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    Map<String, AttributeValue> startKey = null;
    do {
      Map<String, AttributeValue> from = startKey;
      QueryResponse page = dynamoDb.query(b -> b.tableName(table)
          .indexName(EventTable.BY_PROGRAM_INDEX)
          .keyConditionExpression("programId = :p")
          .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(programId)))
          .exclusiveStartKey(from));
      items.addAll(page.items());
      startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (startKey != null);
    return items;
  }
}
