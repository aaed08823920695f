package io.adtrack.bench.faults;

import io.adtrack.consumer.EventTable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;

/** What the kinesis-consumer stored in DynamoDB for given programs, read through the {@code byProgram} index. */
final class EventTableReader {

  /**
   * One stored event.
   *
   * @param messageId its key
   * @param fid       the load's call id from its params (null for events the load did not make)
   */
  record StoredEvent(String messageId, String fid) {
  }

  private final DynamoDbClient dynamoDb;
  private final String table;

  EventTableReader(DynamoDbClient dynamoDb, String table) {
    this.dynamoDb = dynamoDb;
    this.table = table;
  }

  /** Every stored event of these programs. */
  List<StoredEvent> eventsOf(Collection<String> programIds) {
    List<StoredEvent> events = new ArrayList<>();
    for (String programId : programIds) {
      query(programId, false, page -> page.items().forEach(item -> {
        AttributeValue params = item.get("params");
        AttributeValue fid = params == null || !params.hasM() ? null : params.m().get("fid");
        events.add(new StoredEvent(item.get(EventTable.MESSAGE_ID).s(), fid == null ? null : fid.s()));
      }));
    }
    return events;
  }

  /** How many events of the program are stored. */
  long count(String programId) {
    long[] count = {0};
    query(programId, true, page -> count[0] += page.count());
    return count[0];
  }

  private void query(String programId, boolean countOnly, Consumer<QueryResponse> pages) {
    QueryRequest.Builder request = QueryRequest.builder().tableName(table).indexName(EventTable.BY_PROGRAM_INDEX)
        .keyConditionExpression("programId = :p")
        .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(programId)));
    if (countOnly) {
      request.select(Select.COUNT);
    } else {
      request.projectionExpression("messageId, params");
    }
    dynamoDb.queryPaginator(request.build()).forEach(pages);
  }
}
