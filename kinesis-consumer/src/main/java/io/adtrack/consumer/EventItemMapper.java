package io.adtrack.consumer;

import io.adtrack.proto.EventType;
import io.adtrack.proto.TrackingEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Maps a {@link TrackingEvent} to its DynamoDB item (docs/contracts.md, "The DynamoDB item"): one attribute per event
 * field, empty strings omitted, {@code customerId} only when set, {@code params} only when not empty, and the TTL
 * attribute {@code expiresAt} = receivedAt + retention (epoch seconds). The item depends on the event alone, so a
 * redelivered record produces the identical item.
 */
public final class EventItemMapper {

  private final long retentionSeconds;

  public EventItemMapper(int retentionDays) {
    if (retentionDays < 1) {
      throw new IllegalArgumentException("retentionDays must be at least 1, was " + retentionDays);
    }
    this.retentionSeconds = Duration.ofDays(retentionDays).toSeconds();
  }

  /** The item for the event; the caller has checked that messageId and programId are present. */
  public Map<String, AttributeValue> toItem(TrackingEvent event) {
    Map<String, AttributeValue> item = new HashMap<>(24);
    putString(item, EventTable.MESSAGE_ID, event.getMessageId());
    putString(item, "type", typeName(event));
    putString(item, EventTable.PROGRAM_ID, event.getProgramId());
    putString(item, "programName", event.getProgramName());
    if (event.hasCustomerId()) {
      putNumber(item, "customerId", event.getCustomerId());
    }
    putString(item, "customerName", event.getCustomerName());
    putString(item, "userAgent", event.getUserAgent());
    putString(item, "referer", event.getReferer());
    putString(item, "clientIp", event.getClientIp());
    putNumber(item, EventTable.RECEIVED_AT, event.getReceivedAt());
    putNumber(item, "programVersion", event.getProgramVersion());
    Map<String, AttributeValue> params = params(event);
    if (!params.isEmpty()) {
      item.put("params", AttributeValue.fromM(params));
    }
    // TTL counts from when the event happened, not from when it was written: a redelivery changes nothing.
    putNumber(item, EventTable.EXPIRES_AT, Math.floorDiv(event.getReceivedAt(), 1000L) + retentionSeconds);
    return item;
  }

  private static String typeName(TrackingEvent event) {
    EventType type = event.getType();
    if (type == EventType.EVENT_TYPE_UNSPECIFIED) {
      return "";
    }
    // A type added to the proto after this consumer was deployed keeps its number rather than being dropped.
    return type == EventType.UNRECOGNIZED ? Integer.toString(event.getTypeValue()) : type.name();
  }

  private static Map<String, AttributeValue> params(TrackingEvent event) {
    Map<String, AttributeValue> params = new HashMap<>(event.getParamsCount() * 2);
    event.getParamsMap().forEach((name, value) -> {
      // DynamoDB rejects an empty attribute name, also as a map key, which would fail the whole batch.
      if (!name.isEmpty()) {
        params.put(name, AttributeValue.fromS(value));
      }
    });
    return params;
  }

  private static void putString(Map<String, AttributeValue> item, String name, String value) {
    if (!value.isEmpty()) {
      item.put(name, AttributeValue.fromS(value));
    }
  }

  private static void putNumber(Map<String, AttributeValue> item, String name, long value) {
    item.put(name, AttributeValue.fromN(Long.toString(value)));
  }
}
