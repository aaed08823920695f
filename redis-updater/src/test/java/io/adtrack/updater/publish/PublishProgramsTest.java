package io.adtrack.updater.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.adtrack.conventions.AwsRegion;
import io.adtrack.conventions.Environment;
import io.adtrack.conventions.RedisLayout;
import io.adtrack.testkit.AwsSettings;
import io.adtrack.testkit.ChildProcess;
import io.adtrack.testkit.KinesisEmulator;
import io.adtrack.testkit.RedisServerFixture;
import io.adtrack.testkit.SystemProperties;
import io.adtrack.updater.CoreDataUpdater;
import io.adtrack.updater.RedisUpdaterHandler;
import io.adtrack.updater.UpdaterConfig;
import io.adtrack.updater.coredata.ProgramValidator;
import io.adtrack.updater.redis.ProgramStore;
import io.adtrack.updater.redis.RedisClients;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;

/** The publisher CLI against a real Kinesis emulator (kinesalite), and the handler fed from that stream. */
class PublishProgramsTest {

  private static KinesisEmulator kinesis;
  private static RedisServerFixture redis;
  private static RedisClient client;

  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeAll
  static void start() {
    kinesis = KinesisEmulator.kinesalite();
    redis = RedisServerFixture.start();
    client = RedisClients.create(UpdaterConfig.forUrl(redis.url(), Duration.ofSeconds(2)));
  }

  @AfterAll
  static void stop() {
    client.close();
    redis.close();
    kinesis.close();
  }

  private static String newStream(int shards) {
    String stream = "core-data-" + UUID.randomUUID().toString().substring(0, 8);
    kinesis.createStream(stream, shards);
    return stream;
  }

  private int publish(String stream, Path file) throws InterruptedException {
    return PublishPrograms.run(new String[] {file.toString()}, new PublisherConfig(stream), kinesis::newClient,
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void shouldPutEveryProgramAndHandlerShouldApplyAll_whenFileIsAJsonArray() throws Exception {
    int count = 1200;
    String stream = newStream(2);
    String prefix = "cli-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    List<String> documents = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      documents.add("{\"programId\":\"" + prefix + i + "\",\"programName\":\"Program " + i + "\",\"customerId\":" + i
          + ",\"validUntil\":\"2030-01-01T00:00:00Z\",\"landingUrl\":\"https://advertiser.example/" + i
          + "\",\"version\":1}");
    }
    Path file = Files.writeString(dir.resolve("programs.json"), "[\n" + String.join(",\n", documents) + "\n]\n");

    assertThat(publish(stream, file)).as(stderr()).isZero();

    assertThat(stdout()).contains("sent " + count + " of " + count)
        .contains(" to stream " + stream + " in us-east-1 at " + kinesis.endpoint());
    List<Record> onStream = kinesis.readAll(stream);
    assertThat(onStream).hasSize(count);
    assertThat(onStream.stream().map(Record::partitionKey).collect(Collectors.toSet()))
        .hasSize(count).allMatch(key -> key.startsWith(prefix));

    CoreDataUpdater updater = new CoreDataUpdater(new ProgramValidator(), new ProgramStore(client));
    LambdaFeed.Fed fed = new LambdaFeed(kinesis, stream, 100).feedAll(new RedisUpdaterHandler(updater));

    assertThat(fed.records()).isEqualTo(count);
    assertThat(fed.failures()).isEmpty();
    assertThat(updater.totals()).isEqualTo(new CoreDataUpdater.Totals(count, 0, 0, 0));
    for (int i = 0; i < count; i++) {
      assertThat(client.hgetAll(RedisLayout.programKey(prefix + i)))
          .containsEntry("programName", "Program " + i)
          .containsEntry("customerId", Integer.toString(i))
          .containsEntry("version", "1");
    }
  }

  @Test
  void shouldApplyUpdatesAndDeletion_whenFileHasOneDocumentPerLine() throws Exception {
    String stream = newStream(1);
    String kept = "lines-kept-" + UUID.randomUUID().toString().substring(0, 8);
    String gone = "lines-gone-" + UUID.randomUUID().toString().substring(0, 8);
    Path file = Files.writeString(dir.resolve("programs.jsonl"), String.join("\n",
        "{\"programId\":\"" + gone + "\",\"programName\":\"first\",\"version\":1}",
        "{\"programId\":\"" + kept + "\",\"programName\":\"kept\",\"version\":1}",
        "",
        "{\"programId\":\"" + gone + "\",\"programName\":\"second\",\"version\":2}",
        "{\"programId\":\"" + gone + "\",\"version\":3,\"deleted\":true}") + "\n");

    assertThat(publish(stream, file)).as(stderr()).isZero();
    assertThat(stdout()).contains("sent 4 of 4 program documents (3 upserts, 1 deletions)");
    LambdaFeed.Fed fed = new LambdaFeed(kinesis, stream, 100)
        .feedAll(new RedisUpdaterHandler(new CoreDataUpdater(new ProgramValidator(), new ProgramStore(client))));

    assertThat(fed.failures()).isEmpty();
    assertThat(client.hget(RedisLayout.programKey(kept), "programName")).isEqualTo("kept");
    assertThat(client.exists(RedisLayout.programKey(gone))).isFalse();
    assertThat(client.get(RedisLayout.tombstoneKey(gone))).isEqualTo("3");
  }

  @Test
  void shouldSendNothingAndListTheBadEntries_whenFileHasInvalidDocuments() throws Exception {
    String stream = newStream(1);
    Path file = Files.writeString(dir.resolve("bad.json"), "["
        + "{\"programId\":\"ok-1\",\"version\":1},"
        + "{\"programId\":\"no version\"},"
        + "{\"programId\":\"ok-2\",\"version\":1},"
        + "{\"programId\":\"bad-url\",\"version\":1,\"landingUrl\":\"ftp://x.example\"}]");

    assertThat(publish(stream, file)).isEqualTo(PublishPrograms.EXIT_INVALID);

    assertThat(stderr()).contains("2 invalid entries, nothing sent")
        .contains("entry 2 (programId \"no version\")")
        .contains("entry 4 (programId \"bad-url\"): landingUrl must be");
    assertThat(kinesis.readAll(stream)).isEmpty();
  }

  @Test
  void shouldShowNoClickSigningKey_inWhatItPrints_whetherTheFileIsValidOrNot() throws Exception {
    String key = "publisher-test-key-" + UUID.randomUUID();
    String id = "signed-" + UUID.randomUUID().toString().substring(0, 8);
    Path invalid = Files.writeString(dir.resolve("signed-bad.json"), "[{\"programId\":\"" + id + "\","
        + "\"version\":1,\"clickSigningKey\":\"" + key + "\"},{\"programId\":\"" + id + "\",\"version\":2,"
        + "\"clickSigningKey\":\"" + key.substring(0, 20) + "\"}]");
    Path valid = Files.writeString(dir.resolve("signed.json"), "[{\"programId\":\"" + id + "\",\"version\":1,"
        + "\"clickSigningKey\":\"" + key + "\"}]");
    String stream = newStream(1);

    assertThat(publish(stream, invalid)).isEqualTo(PublishPrograms.EXIT_INVALID);
    assertThat(publish(stream, valid)).as(stderr()).isZero();

    assertThat(stderr()).contains("clickSigningKey must be");
    assertThat(stdout() + stderr()).contains("sent 1 of 1").doesNotContain(key).doesNotContain(key.substring(0, 20));
  }

  @Test
  void shouldExitWithFailure_whenStreamDoesNotExist() throws Exception {
    Path file = Files.writeString(dir.resolve("one.json"), "[{\"programId\":\"p\",\"version\":1}]");

    assertThat(publish("no-such-stream-" + UUID.randomUUID(), file)).isEqualTo(PublishPrograms.EXIT_UNSENT);

    assertThat(stderr()).contains("cannot publish to stream");
  }

  @Test
  void shouldPrintUsage_whenNoFileIsGiven() throws Exception {
    int exit = PublishPrograms.run(new String[0], PublisherConfig.fromEnvironment(Environment.of(Map.of())),
        () -> {
          throw new AssertionError("no client is needed to print the usage");
        }, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exit).isEqualTo(PublishPrograms.EXIT_INVALID);
    assertThat(stderr()).contains("usage: PublishPrograms");
  }

  @Test
  void shouldSayWhichEndpointIsMalformed_andSendNothing_whenTheSdkCannotBuildAClient() throws Exception {
    Path file = Files.writeString(dir.resolve("one.json"), "[{\"programId\":\"p\",\"version\":1}]");

    int exit = PublishPrograms.run(new String[] {file.toString()}, new PublisherConfig("core-data-updates"), () -> {
      throw SdkClientException.create("An invalid URI was configured in environment variable AWS_ENDPOINT_URL_KINESIS");
    }, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exit).isEqualTo(PublishPrograms.EXIT_INVALID);
    assertThat(stderr().strip())
        .isEqualTo("An invalid URI was configured in environment variable AWS_ENDPOINT_URL_KINESIS");
  }

  @Test
  void theCliClient_callsTheRegionChosen_theKinesisEndpointFromTheSdk_andDummyKeysForAnEmulatorOnThisMachine() {
    try (KinesisClient client = SystemProperties.during(Map.of(SystemProperties.KINESIS_ENDPOINT,
        kinesis.endpoint().toString()), () -> PublishPrograms.kinesisClient(new AwsRegion("eu-west-1", false)))) {

      assertThat(client.serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_1);
      assertThat(client.serviceClientConfiguration().endpointOverride()).contains(kinesis.endpoint());
      assertThat(client.listStreams().streamNames()).isNotNull();
    }
    assertThat(PublishPrograms.isOnThisMachine(Optional.of(URI.create("https://kinesis.eu-west-1.amazonaws.com"))))
        .isFalse();
  }

  @Test
  void withNoRegionSetAnywhere_theCliPublishesInTheLocalDefault_andSaysSo() throws IOException {
    String stream = newStream(1);
    Path file = Files.writeString(dir.resolve("one.json"), "[{\"programId\":\"p\",\"version\":1}]");
    Map<String, String> env = AwsSettings.noRegion(dir);
    env.put("AWS_ENDPOINT_URL_KINESIS", kinesis.endpoint().toString());
    env.put("CORE_DATA_STREAM", stream);
    List<String> printed = new CopyOnWriteArrayList<>();
    List<String> errors = new CopyOnWriteArrayList<>();

    ChildProcess cli = ChildProcess.of("publish-programs", ChildProcess.java(List.of("-cp",
            System.getProperty("java.class.path"), PublishPrograms.class.getName(), file.toString())))
        .environment(env).lines(printed::add).errorLines(errors::add).start();

    assertThat(cli.awaitExit(Duration.ofSeconds(60), Duration.ofSeconds(5))).as("%s", errors).isZero();
    assertThat(errors).contains("AWS region us-east-1 (the local default: no AWS_REGION, aws.region or profile "
        + "region is set)");
    assertThat(printed).anyMatch(line -> line.contains("sent 1 of 1 program documents (1 upserts, 0 deletions) to "
        + "stream " + stream + " in us-east-1 at " + kinesis.endpoint()));
  }

  @Test
  void shouldPublishTheBundledSampleFile() throws IOException, InterruptedException {
    String stream = newStream(1);
    Path sample = dir.resolve("sample-programs.json");
    try (var in = PublishProgramsTest.class.getResourceAsStream("/sample-programs.json")) {
      Files.copy(in, sample);
    }

    assertThat(publish(stream, sample)).as(stderr()).isZero();
    assertThat(kinesis.readAll(stream)).isNotEmpty();
  }
}
