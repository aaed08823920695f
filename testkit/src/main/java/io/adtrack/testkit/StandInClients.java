package io.adtrack.testkit;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * AWS SDK clients for a stand-in on this machine (kinesalite, kinesis-mock, DynamoDB Local): the endpoint given
 * explicitly, us-east-1, dummy keys (the stand-ins accept any, and real keys of the shell never reach them), Apache
 * HTTP. For test set-up and read-back; the code under test builds its clients the way it does in production.
 */
public final class StandInClients {

  /** The region every stand-in is addressed in. */
  public static final Region REGION = Region.US_EAST_1;

  private StandInClients() {
  }

  /** E.g. {@code StandInClients.build(KinesisClient.builder(), emulator.endpoint())}. */
  public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder,
      URI endpoint) {
    return builder
        .endpointOverride(endpoint)
        .region(REGION)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .httpClientBuilder(ApacheHttpClient.builder())
        .build();
  }
}
