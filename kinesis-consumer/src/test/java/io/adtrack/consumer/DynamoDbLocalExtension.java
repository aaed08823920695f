package io.adtrack.consumer;

import io.adtrack.testkit.DynamoDbLocal;
import java.net.URI;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local for one test class: started before its first test, stopped after its last. Register it as a
 * static field with {@code @RegisterExtension}; each test still creates its own table.
 */
final class DynamoDbLocalExtension implements BeforeAllCallback, AfterAllCallback {

  private DynamoDbLocal dynamoDbLocal;

  @Override
  public void beforeAll(ExtensionContext context) {
    dynamoDbLocal = DynamoDbLocal.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    dynamoDbLocal.close();
  }

  DynamoDbClient client() {
    return dynamoDbLocal.client();
  }

  URI endpoint() {
    return dynamoDbLocal.endpoint();
  }

  int port() {
    return dynamoDbLocal.port();
  }
}
