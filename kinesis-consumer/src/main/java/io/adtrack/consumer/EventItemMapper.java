package io.adtrack.consumer;

import io.adtrack.proto.TrackingEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Maps a {@link TrackingEvent} to its DynamoDB item (docs/contracts.md, "The DynamoDB item"): one attribute per event
 * field, empty strings omitted, {@code customerId} only when set, {@code params} only when not empty, {@code privacy}
 * the name of the treatment the tracker applied (absent for events of trackers older than that field),
 * {@code invalidTraffic} the reason the tracker flagged the call with (absent when none), and the TTL
 * attribute {@code expiresAt} = receivedAt + retention (epoch seconds). The item depends on the event alone, so a
 * redelivered record produces the identical item.
 */
public final class EventItemMapper {

  /**
   * The longest parameter name stored, in UTF-8 bytes. The tracker sends at most 64 characters. DynamoDB would take
   * names up to 64 KB, but DynamoDB Local stalls on a map key of tens of KB past every retry (found by
   * RecordDecoderFuzzTest: the record came back as a batch failure, redelivered for ever), and every read of the item
   * pays for its names. A longer name, like an empty one, is not a parameter any tracker made: it is not stored.
   */
  static final int MAX_PARAM_NAME_BYTES = 1024;

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
    putString(item, "type", enumName(event.getType(), event.getTypeValue()));
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
    putString(item, "privacy", enumName(event.getPrivacy(), event.getPrivacyValue()));
    // Absent for traffic of a person (and for events of trackers older than the field): only a reason is stored.
    putString(item, "invalidTraffic", enumName(event.getInvalidTraffic(), event.getInvalidTrafficValue()));
    Map<String, AttributeValue> params = params(event);
    if (!params.isEmpty()) {
      item.put("params", AttributeValue.fromM(params));
    }
    // TTL counts from when the event happened, not from when it was written: a redelivery changes nothing.
    putNumber(item, EventTable.EXPIRES_AT, Math.floorDiv(event.getReceivedAt(), 1000L) + retentionSeconds);
    return item;
  }

  /** An enum field's name; "" (omitted) when unset; its number when this consumer does not know the value. */
  private static String enumName(Enum<?> value, int number) {
    if (number == 0) {
      return "";
    }
    // A value added to the proto after this consumer was deployed keeps its number rather than being dropped.
    return "UNRECOGNIZED".equals(value.name()) ? Integer.toString(number) : value.name();
  }

  private static Map<String, AttributeValue> params(TrackingEvent event) {
    Map<String, AttributeValue> params = new HashMap<>(event.getParamsCount() * 2);
    event.getParamsMap().forEach((name, value) -> {
      // DynamoDB rejects an empty attribute name, also as a map key, which would fail the whole batch.
      if (!name.isEmpty() && name.getBytes(StandardCharsets.UTF_8).length <= MAX_PARAM_NAME_BYTES) {
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
