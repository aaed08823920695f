package io.adtrack.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.adtrack.proto.EventType;
import io.adtrack.proto.InvalidTraffic;
import io.adtrack.proto.Privacy;
import io.adtrack.proto.TrackingEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class EventItemMapperTest {

  private static final long RECEIVED_AT = 1_767_225_600_123L; // 2026-01-01T00:00:00.123Z
  private final EventItemMapper mapper = new EventItemMapper(90);

  @Test
  void shouldMapEveryField_whenTheEventIsComplete() {
    TrackingEvent event = TrackingEvent.newBuilder()
        .setMessageId("m-1").setType(EventType.CLICK).setProgramId("212313").setProgramName("program2")
        .setCustomerId(9124).setCustomerName("Customer2").setUserAgent("Mozilla/5.0").setReceivedAt(RECEIVED_AT)
        .putParams("campaign", "winter").setProgramVersion(7).setReferer("https://publisher.example/")
        .setClientIp("203.0.113.0").setPrivacy(Privacy.IP_TRUNCATED).build();

    Map<String, AttributeValue> item = mapper.toItem(event);

    assertThat(item).containsOnly(
        entry("messageId", AttributeValue.fromS("m-1")),
        entry("type", AttributeValue.fromS("CLICK")),
        entry("programId", AttributeValue.fromS("212313")),
        entry("programName", AttributeValue.fromS("program2")),
        entry("customerId", AttributeValue.fromN("9124")),
        entry("customerName", AttributeValue.fromS("Customer2")),
        entry("userAgent", AttributeValue.fromS("Mozilla/5.0")),
        entry("referer", AttributeValue.fromS("https://publisher.example/")),
        entry("clientIp", AttributeValue.fromS("203.0.113.0")),
        entry("privacy", AttributeValue.fromS("IP_TRUNCATED")),
        entry("receivedAt", AttributeValue.fromN("1767225600123")),
        entry("programVersion", AttributeValue.fromN("7")),
        entry("params", AttributeValue.fromM(Map.of("campaign", AttributeValue.fromS("winter")))),
        entry("expiresAt", AttributeValue.fromN(Long.toString(1_767_225_600L + 90L * 86_400))));
  }

  @Test
  void shouldOmitEmptyStrings_anUnsetCustomerAndEmptyParams() {
    TrackingEvent event = TrackingEvent.newBuilder()
        .setMessageId("m-2").setType(EventType.IMPRESSION).setProgramId("77").setReceivedAt(RECEIVED_AT).build();

    Map<String, AttributeValue> item = mapper.toItem(event);

    assertThat(item).containsOnlyKeys(
        "messageId", "type", "programId", "receivedAt", "programVersion", "expiresAt");
  }

  @Test
  void shouldKeepCustomerIdZero_whenItWasExplicitlySet() {
    TrackingEvent event = TrackingEvent.newBuilder()
        .setMessageId("m-3").setProgramId("77").setCustomerId(0).setReceivedAt(RECEIVED_AT).build();

    assertThat(mapper.toItem(event)).containsEntry("customerId", AttributeValue.fromN("0"));
  }

  @Test
  void shouldSetExpiresAtInEpochSeconds_fromReceivedAtPlusTheRetention() {
    TrackingEvent event = TrackingEvent.newBuilder()
        .setMessageId("m-4").setProgramId("77").setReceivedAt(RECEIVED_AT).build();

    Map<String, AttributeValue> item = new EventItemMapper(7).toItem(event);

    assertThat(item.get("expiresAt").n()).isEqualTo(Long.toString(1_767_225_600L + 7L * 86_400));
  }

  @Test
  void shouldProduceTheIdenticalItem_whenTheSameEventIsMappedAgain() {
    TrackingEvent event = TestRecords.event("77");

    assertThat(mapper.toItem(event)).isEqualTo(mapper.toItem(TrackingEvent.newBuilder(event).build()));
  }

  @Test
  void shouldDropParamsWithAnEmptyName_becauseDynamoDbRejectsEmptyAttributeNames() {
    TrackingEvent event = TrackingEvent.newBuilder()
        .setMessageId("m-5").setProgramId("77").setReceivedAt(RECEIVED_AT)
        .putParams("", "x").putParams("slot", "").build();

    assertThat(mapper.toItem(event).get("params").m()).containsOnly(entry("slot", AttributeValue.fromS("")));
  }

  @Test
  void shouldDropParamsWithANameNoTrackerSends_longerThan1024Bytes() {
    String longest = "é".repeat(EventItemMapper.MAX_PARAM_NAME_BYTES / 2);
    TrackingEvent event = TrackingEvent.newBuilder()
        .setMessageId("m-6").setProgramId("77").setReceivedAt(RECEIVED_AT)
        .putParams(longest, "kept").putParams(longest + "x", "dropped").putParams("k".repeat(53_190), "dropped")
        .build();

    assertThat(mapper.toItem(event).get("params").m()).containsOnly(entry(longest, AttributeValue.fromS("kept")));
  }

  @Test
  void shouldSayWhichPrivacyTreatmentApplied_soReportsCanCountLimitedEvents() {
    TrackingEvent limited = TrackingEvent.newBuilder()
        .setMessageId("m-7").setProgramId("77").setReceivedAt(RECEIVED_AT).setPrivacy(Privacy.LIMITED).build();
    TrackingEvent fromAnOlderTracker = TrackingEvent.newBuilder()
        .setMessageId("m-8").setProgramId("77").setReceivedAt(RECEIVED_AT).build();
    TrackingEvent fromANewerTracker = TrackingEvent.newBuilder()
        .setMessageId("m-9").setProgramId("77").setReceivedAt(RECEIVED_AT).setPrivacyValue(7).build();

    assertThat(mapper.toItem(limited)).containsEntry("privacy", AttributeValue.fromS("LIMITED"))
        .doesNotContainKeys("clientIp", "userAgent");
    assertThat(mapper.toItem(fromAnOlderTracker)).doesNotContainKey("privacy");
    assertThat(mapper.toItem(fromANewerTracker)).containsEntry("privacy", AttributeValue.fromS("7"));
  }

  @Test
  void shouldStoreTheInvalidTrafficReason_onlyWhenThereIsOne() {
    TrackingEvent bot = TrackingEvent.newBuilder()
        .setMessageId("m-10").setProgramId("77").setReceivedAt(RECEIVED_AT).setInvalidTraffic(InvalidTraffic.BOT)
        .build();
    TrackingEvent duplicate = bot.toBuilder().setInvalidTraffic(InvalidTraffic.DUPLICATE_CLICK).build();
    TrackingEvent person = bot.toBuilder().setInvalidTraffic(InvalidTraffic.INVALID_TRAFFIC_NONE).build();
    TrackingEvent fromANewerTracker = bot.toBuilder().setInvalidTrafficValue(12).build();

    assertThat(mapper.toItem(bot)).containsEntry("invalidTraffic", AttributeValue.fromS("BOT"));
    assertThat(mapper.toItem(duplicate)).containsEntry("invalidTraffic", AttributeValue.fromS("DUPLICATE_CLICK"));
    assertThat(mapper.toItem(person)).doesNotContainKey("invalidTraffic");
    assertThat(mapper.toItem(fromANewerTracker)).containsEntry("invalidTraffic", AttributeValue.fromS("12"));
  }

  @Test
  void shouldKeepTheNumberOfAnEventTypeThisConsumerDoesNotKnow() {
    TrackingEvent event = TrackingEvent.newBuilder()
        .setMessageId("m-6").setProgramId("77").setTypeValue(9).setReceivedAt(RECEIVED_AT).build();

    assertThat(mapper.toItem(event)).containsEntry("type", AttributeValue.fromS("9"));
  }
}
