package io.adtrack.consumer;

import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * The layout of the tracking-events table (key {@code messageId}, GSI {@code byProgram} on programId + receivedAt,
 * on-demand billing, TTL on {@code expiresAt}) and its creation for tests and the local pipeline. In AWS the
 * CloudFormation stack owns the table; this layout must match it.
 */
public final class EventTable {

  public static final String MESSAGE_ID = "messageId";
  public static final String PROGRAM_ID = "programId";
  public static final String RECEIVED_AT = "receivedAt";
  public static final String EXPIRES_AT = "expiresAt";
  public static final String BY_PROGRAM_INDEX = "byProgram";

  private EventTable() {
  }

  /**
   * Creates the table with its index and TTL, or accepts an existing one with the same key and index, and returns
   * once it is ACTIVE.
   *
   * @throws IllegalStateException when a table of that name exists with another key or without the index
   */
  public static void create(DynamoDbClient dynamoDb, String tableName) {
    try {
      dynamoDb.createTable(b -> b
          .tableName(tableName)
          .billingMode(BillingMode.PAY_PER_REQUEST)
          .attributeDefinitions(
              attribute(MESSAGE_ID, ScalarAttributeType.S),
              attribute(PROGRAM_ID, ScalarAttributeType.S),
              attribute(RECEIVED_AT, ScalarAttributeType.N))
          .keySchema(key(MESSAGE_ID, KeyType.HASH))
          .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
              .indexName(BY_PROGRAM_INDEX)
              .keySchema(key(PROGRAM_ID, KeyType.HASH), key(RECEIVED_AT, KeyType.RANGE))
              .projection(p -> p.projectionType(ProjectionType.ALL))
              .build()));
    } catch (ResourceInUseException alreadyThere) {
      // Idempotent by contract: a second pipeline start or test class finds the table in place.
      verifyLayout(dynamoDb.describeTable(b -> b.tableName(tableName)).table());
    }
    dynamoDb.waiter().waitUntilTableExists(b -> b.tableName(tableName));
    enableTimeToLive(dynamoDb, tableName);
  }

  private static void enableTimeToLive(DynamoDbClient dynamoDb, String tableName) {
    TimeToLiveStatus status = dynamoDb.describeTimeToLive(b -> b.tableName(tableName))
        .timeToLiveDescription().timeToLiveStatus();
    // UpdateTimeToLive fails with a ValidationException when TTL is already on, so only ask when it is off.
    if (status != TimeToLiveStatus.ENABLED && status != TimeToLiveStatus.ENABLING) {
      dynamoDb.updateTimeToLive(b -> b.tableName(tableName)
          .timeToLiveSpecification(ttl -> ttl.attributeName(EXPIRES_AT).enabled(true)));
    }
  }

  private static void verifyLayout(TableDescription table) {
    boolean keyMatches = table.keySchema().equals(List.of(key(MESSAGE_ID, KeyType.HASH)));
    boolean hasIndex = table.globalSecondaryIndexes().stream()
        .anyMatch(index -> BY_PROGRAM_INDEX.equals(index.indexName()));
    if (!keyMatches || !hasIndex) {
      throw new IllegalStateException("Table " + table.tableName() + " exists with another layout: key "
          + table.keySchema() + ", indexes " + table.globalSecondaryIndexes());
    }
  }

  private static AttributeDefinition attribute(String name, ScalarAttributeType type) {
    return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }
}
