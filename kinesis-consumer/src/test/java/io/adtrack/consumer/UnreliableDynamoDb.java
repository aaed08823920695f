package io.adtrack.consumer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * A decorator over a real DynamoDB client that misbehaves the way DynamoDB does under load: it withholds chosen
 * items from a BatchWriteItem call and returns them as UnprocessedItems (the rest really is written), or fails
 * whole calls with a 503. Every call is counted.
 */
final class UnreliableDynamoDb implements DynamoDbClient {

  private final DynamoDbClient delegate;
  private final AtomicInteger batchWriteCalls = new AtomicInteger();
  /** The writer calls from several threads. */
  private final Set<String> alreadyWithheld = ConcurrentHashMap.newKeySet();
  private volatile Predicate<String> withholdAlways = id -> false;
  private volatile Predicate<String> withholdOnce = id -> false;
  private volatile Predicate<String> failCallContaining = id -> false;

  UnreliableDynamoDb(DynamoDbClient delegate) {
    this.delegate = delegate;
  }

  /** Items with these messageIds come back unprocessed from every call. */
  UnreliableDynamoDb withholdingAlways(Predicate<String> messageIds) {
    this.withholdAlways = messageIds;
    return this;
  }

  /** Items with these messageIds come back unprocessed the first time they are sent. */
  UnreliableDynamoDb withholdingOnce(Predicate<String> messageIds) {
    this.withholdOnce = messageIds;
    return this;
  }

  /** A call carrying any of these messageIds fails as a whole with 503 Service Unavailable. */
  UnreliableDynamoDb failingCallsContaining(Predicate<String> messageIds) {
    this.failCallContaining = messageIds;
    return this;
  }

  /** Back to passing everything through. */
  UnreliableDynamoDb healed() {
    withholdAlways = id -> false;
    withholdOnce = id -> false;
    failCallContaining = id -> false;
    return this;
  }

  int batchWriteCalls() {
    return batchWriteCalls.get();
  }

  @Override
  public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest request) {
    batchWriteCalls.incrementAndGet();
    Map<String, List<WriteRequest>> passed = new HashMap<>();
    Map<String, List<WriteRequest>> withheld = new HashMap<>();
    request.requestItems().forEach((table, writes) -> {
      for (WriteRequest write : writes) {
        String id = write.putRequest().item().get(EventTable.MESSAGE_ID).s();
        if (failCallContaining.test(id)) {
          throw (DynamoDbException) DynamoDbException.builder().statusCode(503)
              .message("Service unavailable (injected)").build();
        }
        boolean withhold = withholdAlways.test(id) || withholdOnce.test(id) && alreadyWithheld.add(id);
        (withhold ? withheld : passed).computeIfAbsent(table, t -> new ArrayList<>()).add(write);
      }
    });
    if (passed.isEmpty()) {
      return BatchWriteItemResponse.builder().unprocessedItems(withheld).build();
    }
    BatchWriteItemResponse response = delegate.batchWriteItem(request.toBuilder().requestItems(passed).build());
    Map<String, List<WriteRequest>> unprocessed = new HashMap<>(withheld);
    response.unprocessedItems().forEach((table, writes) ->
        unprocessed.computeIfAbsent(table, t -> new ArrayList<>()).addAll(writes));
    return response.toBuilder().unprocessedItems(unprocessed).build();
  }

  @Override
  public String serviceName() {
    return delegate.serviceName();
  }

  @Override
  public void close() {
    // The delegate belongs to the test class's DynamoDB Local; closing this view must not close it.
  }
}
