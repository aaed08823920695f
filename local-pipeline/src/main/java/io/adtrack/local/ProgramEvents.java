package io.adtrack.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adtrack.consumer.EventTable;
import io.adtrack.conventions.AwsRegion;
import io.adtrack.conventions.ConfigurationException;
import io.adtrack.conventions.Environment;
import io.adtrack.testkit.StandInClients;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * Lists a program's persisted tracking events by time ({@code ./program-events}), from the table's
 * {@code byProgram} index (programId + receivedAt), page by page. Works against the local pipeline
 * ({@code --local}, or AWS_ENDPOINT_URL_DYNAMODB) and against AWS (default credential chain, AWS_REGION,
 * EVENT_TABLE). With no region set anywhere the AWS SDK looks, it asks {@value AwsRegion#LOCAL_DEFAULT} and says so
 * on stderr.
 */
public final class ProgramEvents {

  static final int EXIT_OK = 0;
  static final int EXIT_FAILED = 1;
  static final int EXIT_USAGE = 2;
  static final int DEFAULT_LIMIT = 100;
  private static final int MAX_PAGE = 1_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  static final String USAGE = String.join(System.lineSeparator(),
      "usage: program-events <programId> [--limit N] [--since ISO-8601] [--newest-first] [--json] [--local]",
      "  --limit N        at most N events (default " + DEFAULT_LIMIT + "; 0 = all)",
      "  --since T        events received at or after T, e.g. 2026-11-22T10:00:00Z",
      "  --newest-first   latest first (default: oldest first)",
      "  --json           one JSON object per line instead of one text line per event",
      "  --local          the local pipeline's DynamoDB Local (http://localhost:${DYNAMODB_PORT:-8000}, us-east-1)",
      "env: EVENT_TABLE (tracking-events); the AWS SDK's AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB or AWS_ENDPOINT_URL,"
          + " and credentials");

  /**
   * What to list.
   *
   * @param programId   the program
   * @param limit       events at most; 0 = all
   * @param since       lower bound on receivedAt, inclusive
   * @param newestFirst descending receivedAt
   * @param json        JSON lines instead of text
   * @param local       use the local pipeline's DynamoDB Local
   */
  record Options(String programId, int limit, Optional<Instant> since, boolean newestFirst, boolean json,
      boolean local) {

    static Options parse(String[] args) {
      String programId = null;
      int limit = DEFAULT_LIMIT;
      Optional<Instant> since = Optional.empty();
      boolean newestFirst = false;
      boolean json = false;
      boolean local = false;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--limit" -> limit = parseLimit(value(args, ++i, "--limit"));
          case "--since" -> since = Optional.of(parseInstant(value(args, ++i, "--since")));
          case "--newest-first" -> newestFirst = true;
          case "--json" -> json = true;
          case "--local" -> local = true;
          default -> {
            if (args[i].startsWith("--") || programId != null) {
              throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            programId = args[i];
          }
        }
      }
      if (programId == null || programId.isBlank()) {
        throw new IllegalArgumentException("a programId is required");
      }
      return new Options(programId, limit, since, newestFirst, json, local);
    }

    private static String value(String[] args, int index, String option) {
      if (index >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args[index];
    }

    private static int parseLimit(String raw) {
      try {
        int limit = Integer.parseInt(raw);
        if (limit < 0) {
          throw new NumberFormatException("negative");
        }
        return limit;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--limit must be a number >= 0, got " + raw, e);
      }
    }

    private static Instant parseInstant(String raw) {
      try {
        return Instant.parse(raw);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("--since must be an ISO-8601 instant like 2026-11-22T10:00:00Z, got "
            + raw, e);
      }
    }
  }

  private ProgramEvents() {
  }

  public static void main(String[] args) {
    System.exit(run(args, Environment.system(), System.out, System.err));
  }

  /** The command without System.exit, for tests. */
  static int run(String[] args, Environment env, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return EXIT_USAGE;
    }
    String table;
    DynamoDbClient client;
    try {
      table = env.string("EVENT_TABLE", "tracking-events");
      client = client(options, env, err);
    } catch (ConfigurationException e) {
      err.println(e.getMessage());
      return EXIT_USAGE;
    } catch (SdkClientException e) {
      err.println(ConfigurationException.fromAwsClient(e).getMessage());
      return EXIT_USAGE;
    }
    try (DynamoDbClient dynamoDb = client) {
      long listed = list(dynamoDb, table, options, out);
      if (listed == 0) {
        err.println("no events for program " + options.programId() + " in table " + table
            + options.since().map(since -> " since " + since).orElse(""));
      }
      return EXIT_OK;
    } catch (ResourceNotFoundException e) {
      err.println("table " + table + " or its index " + EventTable.BY_PROGRAM_INDEX + " not found in "
          + client.serviceClientConfiguration().region()
          + (options.local() ? " (is ./run running?)" : " (check EVENT_TABLE and AWS_REGION)"));
      return EXIT_FAILED;
    } catch (SdkException e) {
      err.println("cannot query " + table + ": " + e.getMessage());
      return EXIT_FAILED;
    }
  }

  /** Prints the program's events page by page; returns how many. */
  static long list(DynamoDbClient dynamoDb, String table, Options options, PrintStream out) {
    Map<String, String> names = new HashMap<>(Map.of("#p", EventTable.PROGRAM_ID));
    Map<String, AttributeValue> values = new HashMap<>(Map.of(":p", AttributeValue.fromS(options.programId())));
    String condition = "#p = :p";
    if (options.since().isPresent()) {
      names.put("#t", EventTable.RECEIVED_AT);
      values.put(":since", AttributeValue.fromN(Long.toString(options.since().get().toEpochMilli())));
      condition += " AND #t >= :since";
    }
    long listed = 0;
    Map<String, AttributeValue> startKey = null;
    do {
      int page = options.limit() == 0 ? MAX_PAGE : (int) Math.min(MAX_PAGE, options.limit() - listed);
      QueryResponse response = dynamoDb.query(QueryRequest.builder()
          .tableName(table)
          .indexName(EventTable.BY_PROGRAM_INDEX)
          .keyConditionExpression(condition)
          .expressionAttributeNames(names)
          .expressionAttributeValues(values)
          .scanIndexForward(!options.newestFirst())
          .limit(page)
          .exclusiveStartKey(startKey)
          .build());
      for (Map<String, AttributeValue> item : response.items()) {
        out.println(options.json() ? jsonLine(item) : textLine(item));
        listed++;
      }
      startKey = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
          ? response.lastEvaluatedKey() : null;
    } while (startKey != null && (options.limit() == 0 || listed < options.limit()));
    return listed;
  }

  /**
   * {@code receivedAt  TYPE  messageId  customer=..  ua=".."  ip=..  privacy=..  invalid=..  referer=..
   * params={..}}; {@code invalid} only for traffic no person made (docs/invalid-traffic.md).
   */
  static String textLine(Map<String, AttributeValue> item) {
    StringBuilder line = new StringBuilder()
        .append(Instant.ofEpochMilli(Long.parseLong(item.get(EventTable.RECEIVED_AT).n())))
        .append("  ").append(String.format("%-10s", string(item, "type")))
        .append("  ").append(string(item, EventTable.MESSAGE_ID))
        .append("  v").append(item.containsKey("programVersion") ? item.get("programVersion").n() : "?");
    if (item.containsKey("customerId")) {
      line.append("  customer=").append(item.get("customerId").n());
      if (item.containsKey("customerName")) {
        line.append(" (").append(string(item, "customerName")).append(')');
      }
    }
    appendIfPresent(line, item, "userAgent", "ua", true);
    appendIfPresent(line, item, "clientIp", "ip", false);
    appendIfPresent(line, item, "privacy", "privacy", false);
    appendIfPresent(line, item, "invalidTraffic", "invalid", false);
    appendIfPresent(line, item, "referer", "referer", true);
    if (item.containsKey("params") && item.get("params").hasM()) {
      Map<String, String> params = new TreeMap<>();
      item.get("params").m().forEach((key, value) -> params.put(key, value.s()));
      line.append("  params=").append(params);
    }
    return line.toString();
  }

  /** The item as plain JSON: numbers as numbers, maps as objects. */
  static String jsonLine(Map<String, AttributeValue> item) {
    try {
      return JSON.writeValueAsString(toJson(item));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render an item as JSON", e);
    }
  }

  private static ObjectNode toJson(Map<String, AttributeValue> item) {
    ObjectNode node = JSON.createObjectNode();
    new TreeMap<>(item).forEach((name, value) -> {
      if (value.s() != null) {
        node.put(name, value.s());
      } else if (value.n() != null) {
        node.put(name, new BigDecimal(value.n()));
      } else if (value.bool() != null) {
        node.put(name, value.bool());
      } else if (value.hasM()) {
        node.set(name, toJson(value.m()));
      } else {
        node.put(name, value.toString());
      }
    });
    return node;
  }

  private static void appendIfPresent(StringBuilder line, Map<String, AttributeValue> item, String attribute,
      String label, boolean quoted) {
    if (item.containsKey(attribute)) {
      String value = string(item, attribute);
      line.append("  ").append(label).append('=').append(quoted ? "\"" + value + "\"" : value);
    }
  }

  private static String string(Map<String, AttributeValue> item, String attribute) {
    AttributeValue value = item.get(attribute);
    return value == null || value.s() == null ? "-" : value.s();
  }

  /**
   * With {@code --local}, the local pipeline's DynamoDB Local (it runs with -sharedDb: any key works, and the
   * shell's real keys stay out of it); otherwise whatever the AWS SDK makes of the environment: region (else the
   * local default, said on {@code err}), endpoint override (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL), credentials.
   */
  private static DynamoDbClient client(Options options, Environment env, PrintStream err) {
    if (options.local()) {
      return StandInClients.build(DynamoDbClient.builder(),
          URI.create("http://localhost:" + env.port("DYNAMODB_PORT", 8000)));
    }
    AwsRegion region = AwsRegion.resolve(() -> new DefaultAwsRegionProviderChain().getRegion().id());
    if (region.localDefault()) {
      err.println("AWS region " + region);
    }
    return DynamoDbClient.builder().region(Region.of(region.id())).httpClientBuilder(ApacheHttpClient.builder())
        .build();
  }
}
