package io.adtrack.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

class EventTableTest {

  @RegisterExtension
  static final DynamoDbLocalExtension DYNAMODB_LOCAL = new DynamoDbLocalExtension();

  private final DynamoDbClient dynamoDb = DYNAMODB_LOCAL.client();

  @Test
  void shouldCreateAnActiveOnDemandTable_keyedByMessageId_withTheByProgramIndexAndTtl() {
    String table = TestTables.uniqueName();

    EventTable.create(dynamoDb, table);

    TableDescription description = dynamoDb.describeTable(b -> b.tableName(table)).table();
    assertThat(description.tableStatus()).isEqualTo(TableStatus.ACTIVE);
    assertThat(description.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
    assertThat(description.keySchema()).singleElement().satisfies(key -> {
      assertThat(key.attributeName()).isEqualTo("messageId");
      assertThat(key.keyType()).isEqualTo(KeyType.HASH);
    });
    assertThat(description.attributeDefinitions())
        .anySatisfy(attribute -> {
          assertThat(attribute.attributeName()).isEqualTo("receivedAt");
          assertThat(attribute.attributeType()).isEqualTo(ScalarAttributeType.N);
        });
    GlobalSecondaryIndexDescription index = description.globalSecondaryIndexes().get(0);
    assertThat(index.indexName()).isEqualTo("byProgram");
    assertThat(index.keySchema()).extracting(k -> k.attributeName() + ":" + k.keyType())
        .containsExactly("programId:HASH", "receivedAt:RANGE");
    assertThat(index.projection().projectionType()).isEqualTo(ProjectionType.ALL);
    TimeToLiveDescription ttl = dynamoDb.describeTimeToLive(b -> b.tableName(table)).timeToLiveDescription();
    assertThat(ttl.timeToLiveStatus()).isIn(TimeToLiveStatus.ENABLED, TimeToLiveStatus.ENABLING);
    assertThat(ttl.attributeName()).isEqualTo("expiresAt");
  }

  @Test
  void shouldAcceptTheExistingTable_whenCreatedASecondTime() {
    String table = TestTables.create(dynamoDb);

    EventTable.create(dynamoDb, table);

    assertThat(dynamoDb.describeTable(b -> b.tableName(table)).table().tableStatus())
        .isEqualTo(TableStatus.ACTIVE);
  }

  @Test
  void shouldRefuseAnExistingTableOfAnotherLayout() {
    String table = TestTables.uniqueName();
    dynamoDb.createTable(b -> b.tableName(table)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
        .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH)));

    assertThatThrownBy(() -> EventTable.create(dynamoDb, table))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("another layout");
  }
}
