package io.adtrack.updater.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.adtrack.conventions.AwsRegion;
import io.adtrack.conventions.Backoff;
import io.adtrack.conventions.ConfigurationException;
import io.adtrack.conventions.Environment;
import io.adtrack.updater.coredata.ProgramDocument;
import io.adtrack.updater.coredata.ProgramValidator;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Publisher CLI: validates a file of program documents and puts them on the core-data Kinesis stream; or, with
 * {@code sign-click}, prints a signed click link ({@link SignClick}).
 *
 * <pre>
 * java -jar redis-updater.jar programs.json
 * CLICK_SIGNING_KEY=... java -jar redis-updater.jar sign-click https://track.example 212313 slot=top
 * </pre>
 *
 * <p>The file holds a JSON array of documents or one document per line. Exit code 0: all sent; 1: some could not be
 * sent (listed); 2: usage error, unreadable or invalid file, or a malformed endpoint override (nothing sent). With no
 * region set anywhere the AWS SDK looks, it publishes in {@value AwsRegion#LOCAL_DEFAULT} and says so on stderr.
 */
public final class PublishPrograms {

  static final int EXIT_OK = 0;
  static final int EXIT_UNSENT = 1;
  static final int EXIT_INVALID = 2;

  private static final int MAX_ATTEMPTS = 6;
  /** Between rounds of entries Kinesis rejected: 200 ms doubling up to 5 s, jittered. */
  private static final Backoff BACKOFF = Backoff.exponential(Duration.ofMillis(200), Duration.ofSeconds(5));

  private PublishPrograms() {
  }

  public static void main(String[] args) throws InterruptedException {
    Environment env = Environment.system();
    if (args.length > 0 && args[0].equals(SignClick.COMMAND)) {
      System.exit(SignClick.run(Arrays.copyOfRange(args, 1, args.length), env, Clock.systemUTC(), System.out,
          System.err));
      return;
    }
    if (System.getProperty("aws.cborEnabled") == null && env.optional("CBOR_ENABLED").isEmpty()) {
      // JSON works against every endpoint, AWS's included; CBOR, the SDK's default, not against kinesalite.
      System.setProperty("aws.cborEnabled", "false");
    }
    PublisherConfig config;
    try {
      config = PublisherConfig.fromEnvironment(env);
    } catch (ConfigurationException e) {
      System.err.println(e.getMessage());
      System.exit(EXIT_INVALID);
      return;
    }
    AwsRegion region = AwsRegion.resolve(() -> new DefaultAwsRegionProviderChain().getRegion().id());
    if (region.localDefault()) {
      System.err.println("AWS region " + region);
    }
    System.exit(run(args, config, () -> kinesisClient(region), System.out, System.err));
  }

  /**
   * The CLI without System.exit, for tests and the local pipeline. {@code kinesis} opens a client once the file is
   * valid; it is closed before this returns.
   */
  public static int run(String[] args, PublisherConfig config, Supplier<KinesisClient> kinesis, PrintStream out,
      PrintStream err) throws InterruptedException {
    if (args.length != 1) {
      err.println("usage: PublishPrograms <programs.json>   (a JSON array of program documents, or one per line)");
      err.println("       PublishPrograms sign-click <tracker URL> <programId> [name=value ...]"
          + "   (a signed click link)");
      err.println("env: CORE_DATA_STREAM (default core-data-updates); the AWS SDK's AWS_REGION, "
          + "AWS_ENDPOINT_URL_KINESIS or AWS_ENDPOINT_URL, and credentials");
      return EXIT_INVALID;
    }
    Path file = Path.of(args[0]);
    List<ProgramDocument> documents;
    try (InputStream in = Files.newInputStream(file)) {
      documents = new ProgramsFile(new ObjectMapper(), new ProgramValidator()).read(in);
    } catch (NoSuchFileException e) {
      err.println(file + ": no such file");
      return EXIT_INVALID;
    } catch (IOException e) {
      err.println(file + ": cannot read: " + e.getMessage());
      return EXIT_INVALID;
    } catch (ProgramsFile.InvalidProgramsFileException e) {
      err.println(file + ": " + e.problems().size() + " invalid entr" + (e.problems().size() == 1 ? "y" : "ies")
          + ", nothing sent:");
      e.problems().forEach(problem -> err.println("  " + problem));
      return EXIT_INVALID;
    }
    KinesisClient client;
    try {
      client = kinesis.get();
    } catch (SdkClientException e) {
      err.println(ConfigurationException.fromAwsClient(e).getMessage());
      return EXIT_INVALID;
    }
    KinesisProgramPublisher.Summary summary;
    String endpoint;
    try (client) {
      endpoint = " in " + client.serviceClientConfiguration().region()
          + client.serviceClientConfiguration().endpointOverride().map(uri -> " at " + uri).orElse("");
      summary = new KinesisProgramPublisher(client, config.stream(), MAX_ATTEMPTS, BACKOFF).publish(documents);
    } catch (SdkException e) {
      err.println("cannot publish to stream " + config.stream() + ": " + e.getMessage()
          + " (sending the file again is safe: versions already applied are ignored)");
      return EXIT_UNSENT;
    }
    long deletions = documents.stream().filter(ProgramDocument::deleted).count();
    out.printf("%s: sent %d of %d program documents (%d upserts, %d deletions) to stream %s%s in %d PutRecords"
            + " calls, %d entries retried%n", file, summary.sent(), documents.size(), documents.size() - deletions,
        deletions, config.stream(), endpoint, summary.calls(), summary.retried());
    if (!summary.unsent().isEmpty()) {
      err.println(summary.unsent().size() + " not sent after " + MAX_ATTEMPTS + " attempts: "
          + String.join(", ", summary.unsent()));
      return EXIT_UNSENT;
    }
    return EXIT_OK;
  }

  /**
   * The client in {@code region}, otherwise as the AWS SDK configures it from the environment: endpoint
   * (AWS_ENDPOINT_URL_KINESIS, else AWS_ENDPOINT_URL) and credentials. An emulator on this machine accepts any key,
   * so there the default chain is followed by dummy keys rather than failing for want of real ones.
   */
  static KinesisClient kinesisClient(AwsRegion region) {
    KinesisClient client = KinesisClient.builder().region(Region.of(region.id()))
        .httpClientBuilder(ApacheHttpClient.builder()).build();
    if (!isOnThisMachine(client.serviceClientConfiguration().endpointOverride())) {
      return client;
    }
    client.close();
    return KinesisClient.builder()
        .region(Region.of(region.id()))
        .httpClientBuilder(ApacheHttpClient.builder())
        .credentialsProvider(AwsCredentialsProviderChain.builder()
            .credentialsProviders(DefaultCredentialsProvider.builder().build(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
            .build())
        .build();
  }

  static boolean isOnThisMachine(Optional<URI> endpoint) {
    String host = endpoint.map(URI::getHost).orElse("");
    return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1");
  }
}
