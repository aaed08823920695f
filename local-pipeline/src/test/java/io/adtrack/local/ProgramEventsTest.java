package io.adtrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adtrack.consumer.EventTable;
import io.adtrack.conventions.Environment;
import io.adtrack.testkit.AwsSettings;
import io.adtrack.testkit.ChildProcess;
import io.adtrack.testkit.DynamoDbLocal;
import io.adtrack.testkit.SystemProperties;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** ./program-events against DynamoDB Local, on a table laid out by the consumer's {@link EventTable}. */
class ProgramEventsTest {

  private static final Instant BASE = Instant.parse("2026-11-22T10:00:00Z");

  private static DynamoDbLocal dynamoDb;
  private static String table;

  @BeforeAll
  static void startDynamoDb() {
    dynamoDb = DynamoDbLocal.start();
    table = "events-" + UUID.randomUUID();
    EventTable.create(dynamoDb.client(), table);
  }

  @AfterAll
  static void stopDynamoDb() {
    dynamoDb.close();
  }

  @Test
  void shouldListAllOfAProgramsEventsOldestFirst_acrossPages_andNoneOfOtherPrograms() {
    String program = putEvents(1_234);
    putEvents(3);

    Result result = run(program, "--limit", "0");

    assertThat(result.code()).isZero();
    assertThat(result.lines()).hasSize(1_234);
    assertThat(result.lines()).allSatisfy(line -> assertThat(line).contains(" EVENT ").contains("customer=42")
        .contains("privacy=IP_TRUNCATED").contains("invalid=BOT"));
    assertThat(result.lines().get(0)).startsWith(BASE.toString()).contains("params={n=0}");
    assertThat(result.lines().get(1_233)).startsWith(BASE.plusSeconds(1_233).toString());
    assertThat(result.lines()).isSorted();
  }

  @Test
  void shouldStopAtTheLimit_newestFirstWhenAsked() {
    String program = putEvents(20);

    Result result = run(program, "--limit", "5", "--newest-first");

    assertThat(result.lines()).hasSize(5);
    assertThat(result.lines().get(0)).startsWith(BASE.plusSeconds(19).toString());
    assertThat(result.lines().get(4)).startsWith(BASE.plusSeconds(15).toString());
  }

  @Test
  void shouldListOnlyEventsReceivedSinceTheGivenInstant() {
    String program = putEvents(10);

    Result result = run(program, "--since", BASE.plusSeconds(7).toString());

    assertThat(result.lines()).hasSize(3);
    assertThat(result.lines().get(0)).startsWith(BASE.plusSeconds(7).toString());
  }

  @Test
  void shouldPrintOneJsonObjectPerEvent_withNumbersAndParamsAsJson() throws Exception {
    String program = putEvents(2);

    Result result = run(program, "--json");

    assertThat(result.lines()).hasSize(2);
    JsonNode first = new ObjectMapper().readTree(result.lines().get(0));
    assertThat(first.get("programId").asText()).isEqualTo(program);
    assertThat(first.get("receivedAt").isNumber()).isTrue();
    assertThat(first.get("receivedAt").asLong()).isEqualTo(BASE.toEpochMilli());
    assertThat(first.get("customerId").asLong()).isEqualTo(42);
    assertThat(first.get("params").get("n").asText()).isEqualTo("0");
  }

  @Test
  void shouldSayThereAreNoEvents_forAnUnknownProgram() {
    Result result = run("no-such-program-" + UUID.randomUUID());

    assertThat(result.code()).isZero();
    assertThat(result.lines()).isEmpty();
    assertThat(result.errors()).contains("no events for program");
  }

  @Test
  void shouldFailWithAHint_whenTheTableDoesNotExist() {
    Result result = run(Map.of("EVENT_TABLE", "missing-table"), "p1");

    assertThat(result.code()).isEqualTo(ProgramEvents.EXIT_FAILED);
    assertThat(result.errors()).contains("table missing-table", "not found in us-east-1");
  }

  @Test
  void withNoRegionSetAnywhere_itAsksTheLocalDefault_andSaysSo(@TempDir Path dir) {
    Map<String, String> env = AwsSettings.noRegion(dir);
    env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.endpoint().toString());
    env.put("EVENT_TABLE", "missing-table");
    List<String> errors = new CopyOnWriteArrayList<>();

    ChildProcess command = ChildProcess.of("program-events", ChildProcess.java(List.of("-cp",
            System.getProperty("java.class.path"), ProgramEvents.class.getName(), "p1")))
        .environment(env).errorLines(errors::add).start();

    assertThat(command.awaitExit(Duration.ofSeconds(60), Duration.ofSeconds(5))).isEqualTo(ProgramEvents.EXIT_FAILED);
    assertThat(errors).contains("AWS region us-east-1 (the local default: no AWS_REGION, aws.region or profile "
        + "region is set)").anyMatch(line -> line.contains("table missing-table or its index")
            && line.contains("not found in us-east-1"));
  }

  @Test
  void shouldPrintUsage_whenArgumentsAreWrong() {
    assertThat(run().code()).isEqualTo(ProgramEvents.EXIT_USAGE);
    assertThat(run("p1", "--limit", "-3").errors()).contains("--limit must be a number >= 0");
    assertThat(run("p1", "--since", "yesterday").errors()).contains("ISO-8601");
    assertThat(run("p1", "--bogus").errors()).contains("unexpected argument --bogus", "usage:");
  }

  private static String putEvents(int count) {
    String program = "program-" + UUID.randomUUID();
    List<WriteRequest> puts = IntStream.range(0, count)
        .mapToObj(i -> WriteRequest.builder().putRequest(put -> put.item(Map.of(
            "messageId", AttributeValue.fromS(UUID.randomUUID().toString()),
            "programId", AttributeValue.fromS(program),
            "type", AttributeValue.fromS("EVENT"),
            "customerId", AttributeValue.fromN("42"),
            "userAgent", AttributeValue.fromS("test-agent"),
            "privacy", AttributeValue.fromS("IP_TRUNCATED"),
            "invalidTraffic", AttributeValue.fromS("BOT"),
            "receivedAt", AttributeValue.fromN(Long.toString(BASE.plusSeconds(i).toEpochMilli())),
            "programVersion", AttributeValue.fromN("3"),
            "params", AttributeValue.fromM(Map.of("n", AttributeValue.fromS(Integer.toString(i))))))).build())
        .toList();
    for (int from = 0; from < puts.size(); from += 25) {
      List<WriteRequest> chunk = puts.subList(from, Math.min(puts.size(), from + 25));
      // DynamoDB Local writes every item of a batch; nothing comes back unprocessed.
      dynamoDb.client().batchWriteItem(b -> b.requestItems(Map.of(table, chunk)));
    }
    return program;
  }

  private static Result run(String... args) {
    return run(Map.of(), args);
  }

  /** The command as a user runs it against AWS; the SDK finds DynamoDB Local through AWS_ENDPOINT_URL_DYNAMODB. */
  private static Result run(Map<String, String> extraEnv, String... args) {
    Map<String, String> env = new HashMap<>(Map.of("EVENT_TABLE", table));
    env.putAll(extraEnv);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = SystemProperties.during(Map.of(SystemProperties.DYNAMODB_ENDPOINT, dynamoDb.endpoint().toString()),
        () -> ProgramEvents.run(args, Environment.of(env), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8)));
    String printed = out.toString(StandardCharsets.UTF_8);
    List<String> lines = printed.isEmpty() ? List.of() : Arrays.asList(printed.split("\\R"));
    return new Result(code, lines, err.toString(StandardCharsets.UTF_8));
  }

  private record Result(int code, List<String> lines, String errors) {
  }
}
