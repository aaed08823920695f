package io.adtrack.testkit;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.net.URI;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * AWS's DynamoDB Local as a real HTTP server in this JVM ({@code -inMemory -sharedDb}, telemetry off), so clients
 * talk to it over a real connection exactly as they would to DynamoDB.
 */
public final class DynamoDbLocal implements AutoCloseable {

  private final int port;
  private final DynamoDBProxyServer server;
  private final DynamoDbClient client;

  private DynamoDbLocal(int port, DynamoDBProxyServer server) {
    this.port = port;
    this.server = server;
    this.client = StandInClients.build(DynamoDbClient.builder(), endpoint());
  }

  /** Starts DynamoDB Local on a free port. */
  public static DynamoDbLocal start() {
    return start(FreePorts.next());
  }

  /** Starts DynamoDB Local on the given port. */
  public static DynamoDbLocal start(int port) {
    try {
      DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(new String[] {
          "-inMemory", "-sharedDb", "-port", Integer.toString(port), "-disableTelemetry"});
      server.start();
      return new DynamoDbLocal(port, server);
    } catch (Exception e) {
      throw new IllegalStateException("DynamoDB Local did not start on port " + port, e);
    }
  }

  public int port() {
    return port;
  }

  /** {@code http://localhost:port}, the value for AWS_ENDPOINT_URL_DYNAMODB. */
  public URI endpoint() {
    return URI.create("http://localhost:" + port);
  }

  /** A synchronous client (us-east-1, dummy credentials). */
  public DynamoDbClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("DynamoDB Local did not stop", e);
    }
  }
}
