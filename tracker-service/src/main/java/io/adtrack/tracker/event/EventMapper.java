package io.adtrack.tracker.event;

import io.adtrack.proto.EventType;
import io.adtrack.proto.InvalidTraffic;
import io.adtrack.proto.TrackingEvent;
import io.adtrack.tracker.program.Program;
import io.adtrack.tracker.validation.CallParameters;

/** The one mapping from a validated call and its program to the event on the wire. */
public final class EventMapper {

  private EventMapper() {
  }

  /** Builds the event; never carries the checksum nor the click signing key (the proto has no field for them). */
  public static TrackingEvent toEvent(String messageId, long receivedAt, EventType type, Program program,
      CallParameters call, ClientInfo client, InvalidTraffic invalidTraffic) {
    TrackingEvent.Builder event = TrackingEvent.newBuilder()
        .setMessageId(messageId)
        .setType(type)
        .setProgramId(program.programId())
        .setProgramName(program.programName())
        .setCustomerName(program.customerName())
        .setUserAgent(client.userAgent())
        .setReferer(client.referer())
        .setClientIp(client.clientIp())
        .setPrivacy(client.privacy())
        .setInvalidTraffic(invalidTraffic)
        .setReceivedAt(receivedAt)
        .setProgramVersion(program.version())
        .putAllParams(call.params());
    program.customerId().ifPresent(event::setCustomerId);
    return event.build();
  }
}
