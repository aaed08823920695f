package io.adtrack.consumer;

import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Gives every test its own tracking-events table and reads back what landed in it. */
final class TestTables {

  private TestTables() {
  }

  static String uniqueName() {
    return "tracking-events-" + UUID.randomUUID();
  }

  /** A freshly created table in the contract's layout. */
  static String create(DynamoDbClient dynamoDb) {
    String table = uniqueName();
    EventTable.create(dynamoDb, table);
    return table;
  }

  /** Every item of the table, by messageId (a consistent scan: DynamoDB Local answers it at once). */
  static Map<String, Map<String, AttributeValue>> itemsById(DynamoDbClient dynamoDb, String table) {
    return dynamoDb.scanPaginator(b -> b.tableName(table).consistentRead(true)).items().stream()
        .collect(Collectors.toMap(item -> item.get(EventTable.MESSAGE_ID).s(), item -> item));
  }
}
