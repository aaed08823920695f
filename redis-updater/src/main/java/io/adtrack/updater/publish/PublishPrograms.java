package io.adtrack.updater.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.adtrack.updater.coredata.ProgramDocument;
import io.adtrack.updater.coredata.ProgramValidator;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;

/**
 * Publisher CLI: validates a file of program documents and puts them on the core-data Kinesis stream.
 *
 * <pre>
 * java -cp redis-updater.jar io.adtrack.updater.publish.PublishPrograms programs.json
 * </pre>
 *
 * <p>The file holds a JSON array of documents or one document per line. Exit code 0: all sent; 1: some could not be
 * sent (listed); 2: usage error, unreadable or invalid file (nothing sent).
 */
public final class PublishPrograms {

  static final int EXIT_OK = 0;
  static final int EXIT_UNSENT = 1;
  static final int EXIT_INVALID = 2;

  private static final int MAX_ATTEMPTS = 6;
  private static final Duration BASE_BACKOFF = Duration.ofMillis(200);

  private PublishPrograms() {
  }

  public static void main(String[] args) throws InterruptedException {
    Map<String, String> env = System.getenv();
    if (PublisherConfig.fromEnvironment(env).endpoint() != null && System.getProperty("aws.cborEnabled") == null
        && env.get("CBOR_ENABLED") == null) {
      // kinesalite, the local emulator, speaks JSON only; JSON works against every endpoint, CBOR does not.
      System.setProperty("aws.cborEnabled", "false");
    }
    System.exit(run(args, env, System.out, System.err));
  }

  /** The CLI without System.exit, for tests and the local pipeline. */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err)
      throws InterruptedException {
    if (args.length != 1) {
      err.println("usage: PublishPrograms <programs.json>   (a JSON array of program documents, or one per line)");
      err.println("env: " + String.join(", ", PublisherConfig.ENVIRONMENT_VARIABLES));
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
    PublisherConfig config = PublisherConfig.fromEnvironment(env);
    KinesisProgramPublisher.Summary summary;
    try (KinesisClient kinesis = kinesisClient(config)) {
      summary = new KinesisProgramPublisher(kinesis, config.stream(), MAX_ATTEMPTS, BASE_BACKOFF).publish(documents);
    } catch (SdkException e) {
      err.println("cannot publish to stream " + config.stream() + ": " + e.getMessage()
          + " (sending the file again is safe: versions already applied are ignored)");
      return EXIT_UNSENT;
    }
    long deletions = documents.stream().filter(ProgramDocument::deleted).count();
    out.printf("%s: sent %d of %d program documents (%d upserts, %d deletions) to stream %s%s in %d PutRecords"
            + " calls, %d entries retried%n", file, summary.sent(), documents.size(), documents.size() - deletions,
        deletions, config.stream(), config.endpoint() == null ? "" : " at " + config.endpoint(), summary.calls(),
        summary.retried());
    if (!summary.unsent().isEmpty()) {
      err.println(summary.unsent().size() + " not sent after " + MAX_ATTEMPTS + " attempts: "
          + String.join(", ", summary.unsent()));
      return EXIT_UNSENT;
    }
    return EXIT_OK;
  }

  static KinesisClient kinesisClient(PublisherConfig config) {
    KinesisClientBuilder builder = KinesisClient.builder()
        .region(Region.of(config.region()))
        .httpClientBuilder(ApacheHttpClient.builder())
        .credentialsProvider(credentials(config));
    if (config.endpoint() != null) {
      builder.endpointOverride(config.endpoint());
    }
    return builder.build();
  }

  /** The default chain; for an emulator on this machine, dummy keys when the chain finds none. */
  private static AwsCredentialsProvider credentials(PublisherConfig config) {
    DefaultCredentialsProvider defaults = DefaultCredentialsProvider.builder().build();
    if (!config.isLocalEndpoint()) {
      return defaults;
    }
    return AwsCredentialsProviderChain.builder()
        .credentialsProviders(defaults, StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .build();
  }
}
